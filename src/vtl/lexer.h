// Lexer: the character scanner under the VTL parser. Velocity's grammar changes
// with context (text, references, directive arguments), so the parser drives the
// lexer: it reads template text through the cursor helpers and, inside directive
// parentheses, method arguments and indexes, pulls expression tokens with next().
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace portico::vtl {

struct Token {
  enum class Kind { kEnd, kDollar, kInt, kFloat, kString, kWord, kPunct, kError };
  Kind kind = Kind::kEnd;
  std::string text;  // number digits, string contents (raw), word, punctuation
  char quote = 0;    // '"' or '\'' for kString
  std::size_t offset = 0;

  bool is(std::string_view punct) const { return kind == Kind::kPunct && text == punct; }
  bool isWord(std::string_view word) const { return kind == Kind::kWord && text == word; }
};

class Lexer {
 public:
  /// Scans src[begin, end): a whole template, or the inside of a string literal.
  Lexer(std::string_view src, std::size_t begin, std::size_t end) : src_(src), pos_(begin), end_(end) {}

  std::size_t pos() const { return pos_; }
  void seek(std::size_t pos) { pos_ = pos; }
  std::size_t end() const { return end_; }
  bool atEnd() const { return pos_ >= end_; }
  /// The character `ahead` places on, or '\0' past the end.
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < end_ ? src_[pos_ + ahead] : '\0'; }
  void advance(std::size_t n = 1) { pos_ = pos_ + n < end_ ? pos_ + n : end_; }
  bool lookingAt(std::string_view s) const;
  std::string_view slice(std::size_t from, std::size_t to) const { return src_.substr(from, to - from); }

  /// A Velocity identifier at the cursor ([a-zA-Z_][a-zA-Z0-9_-]*), consumed; "" if none.
  std::string scanIdentifier();
  /// Skips spaces, tabs and newlines.
  void skipBlanks();
  /// Consumes `[ \t]*` and one line end if a line end follows; otherwise moves nothing.
  bool skipToLineEnd();
  /// The next expression token (blanks skipped). A '$' is returned as kDollar without
  /// being consumed, so the parser can read a reference.
  Token next();
  /// The next token without consuming it.
  Token peekToken();

  /// 1-based line and column of an offset in the source.
  std::pair<int, int> lineColumn(std::size_t offset) const;

 private:
  std::string_view src_;
  std::size_t pos_;
  std::size_t end_;
};

bool isIdentifierStart(char c);

}  // namespace portico::vtl
