// Parser: turns VTL text into an ast::Block at compile time. It follows Velocity
// 1.7, including its whitespace rules (a directive's trailing newline is eaten,
// #set also eats the blanks before it), and refuses what API Gateway refuses
// (#macro, #evaluate, #include, #parse). Errors name the line and column.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "vtl/ast.h"
#include "vtl/lexer.h"

namespace portico::vtl {

class Parser {
 public:
  /// Parses a whole template; a BadRequest error naming line and column on failure.
  static Result<ast::Block> parse(std::string_view source);

 private:
  enum class Terminator { kEof, kEnd, kElse, kElseIf };

  Parser(std::string_view source, std::size_t begin, std::size_t end, int depth);

  // Template text and directives (parser.cpp).
  ast::Block parseBlock();
  bool parseDirective(ast::Block& block, std::string& text, std::size_t& textTokenStart);
  bool parseEscape(ast::Block& block, std::string& text);
  void parseSet(ast::Block& block, std::size_t offset);
  void parseIf(ast::Block& block, std::size_t offset);
  void parseForeach(ast::Block& block, std::size_t offset);
  void parseDefine(ast::Block& block, std::size_t offset);
  void skipOptionalArgs();
  /// Reads a directive name at '#' (`#name` or `#{name}`) without consuming; "" if none.
  std::string peekDirectiveName(std::size_t& length) const;

  // References and expressions (parser_expressions.cpp).
  /// Parses a reference at '$'; nullptr (cursor restored) if the text is not one.
  std::unique_ptr<ast::Reference> parseReference();
  bool parseSuffixes(ast::Reference& ref);
  bool parseArguments(std::vector<ast::ExprPtr>& args, std::string_view close);
  ast::ExprPtr parseExpression();
  ast::ExprPtr parseOr();
  ast::ExprPtr parseAnd();
  ast::ExprPtr parseEquality();
  ast::ExprPtr parseRelational();
  ast::ExprPtr parseAdditive();
  ast::ExprPtr parseMultiplicative();
  ast::ExprPtr parseUnary();
  ast::ExprPtr parsePrimary();
  ast::ExprPtr parseStringLiteral(const Token& token);
  ast::ExprPtr parseListOrRange(std::size_t offset);
  ast::ExprPtr parseMapLiteral(std::size_t offset);
  bool expect(std::string_view punct);

  void fail(std::string message, std::size_t offset);
  bool failed() const { return error_.has_value(); }
  bool enter(std::size_t offset);  // depth guard; false (and an error) when too deep
  void leave() { --depth_; }

  std::string_view source_;
  Lexer lexer_;
  int depth_;
  Terminator terminator_ = Terminator::kEof;
  std::size_t terminatorOffset_ = 0;
  std::optional<ApiError> error_;
};

}  // namespace portico::vtl
