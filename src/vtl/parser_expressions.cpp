// Parser: references ($a.b(c)[d]) and directive expressions, by precedence:
// || < && < == != < relational < + - < * / % < unary.
#include <cerrno>
#include <cstdlib>

#include "vtl/parser.h"

namespace portico::vtl {
namespace {

ast::ExprPtr makeExpr(ast::ExprKind kind, std::size_t offset) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = kind;
  e->offset = offset;
  return e;
}

ast::ExprPtr makeBinary(std::string op, ast::ExprPtr left, ast::ExprPtr right) {
  ast::ExprKind kind = op == "&&" ? ast::ExprKind::kAnd : op == "||" ? ast::ExprKind::kOr : ast::ExprKind::kBinary;
  auto e = makeExpr(kind, left->offset);
  e->op = std::move(op);
  e->operands.push_back(std::move(left));
  e->operands.push_back(std::move(right));
  return e;
}

// The operator a token spells at a precedence level ("" if none): symbols or words.
std::string operatorOf(const Token& t, std::initializer_list<std::pair<std::string_view, std::string_view>> ops) {
  for (auto [spelling, op] : ops) {
    if ((t.kind == Token::Kind::kPunct || t.kind == Token::Kind::kWord) && t.text == spelling) return std::string(op);
  }
  return {};
}

}  // namespace

std::unique_ptr<ast::Reference> Parser::parseReference() {
  std::size_t start = lexer_.pos();
  lexer_.advance();  // '$'
  if (lexer_.peek() == '!') lexer_.advance();
  bool braced = lexer_.peek() == '{';
  if (braced) lexer_.advance();
  auto ref = std::make_unique<ast::Reference>();
  ref->offset = start;
  ref->name = lexer_.scanIdentifier();
  if (ref->name.empty()) {
    lexer_.seek(start);
    return nullptr;
  }
  if (!parseSuffixes(*ref)) return nullptr;
  if (braced) {
    if (lexer_.peek() != '}') {  // `${a` is plain text
      lexer_.seek(start);
      return nullptr;
    }
    lexer_.advance();
  }
  ref->source = std::string(lexer_.slice(start, lexer_.pos()));
  return ref;
}

bool Parser::parseSuffixes(ast::Reference& ref) {
  while (!failed()) {
    if (lexer_.peek() == '.' && isIdentifierStart(lexer_.peek(1))) {
      lexer_.advance();
      ast::Suffix suffix;
      suffix.name = lexer_.scanIdentifier();
      if (lexer_.peek() == '(') {
        lexer_.advance();
        suffix.kind = ast::Suffix::Kind::kMethod;
        if (!parseArguments(suffix.args, ")")) return false;
      }
      ref.suffixes.push_back(std::move(suffix));
    } else if (lexer_.peek() == '[') {
      lexer_.advance();
      ast::Suffix suffix;
      suffix.kind = ast::Suffix::Kind::kIndex;
      auto index = parseExpression();
      if (!index || !expect("]")) return false;
      suffix.args.push_back(std::move(index));
      ref.suffixes.push_back(std::move(suffix));
    } else {
      break;
    }
  }
  return !failed();
}

// After the opening bracket: `a, b, c` then close.
bool Parser::parseArguments(std::vector<ast::ExprPtr>& args, std::string_view close) {
  if (lexer_.peekToken().is(close)) {
    lexer_.next();
    return true;
  }
  while (!failed()) {
    auto arg = parseExpression();
    if (!arg) return false;
    args.push_back(std::move(arg));
    Token t = lexer_.next();
    if (t.is(close)) return true;
    if (!t.is(",")) {
      fail("expected ',' or '" + std::string(close) + "'", t.offset);
      return false;
    }
  }
  return false;
}

bool Parser::expect(std::string_view punct) {
  Token t = lexer_.next();
  if (t.is(punct)) return true;
  fail("expected '" + std::string(punct) + "'" + (t.kind == Token::Kind::kEnd ? " before the end" : ""), t.offset);
  return false;
}

ast::ExprPtr Parser::parseExpression() {
  if (!enter(lexer_.pos())) return nullptr;
  auto e = parseOr();
  leave();
  return failed() ? nullptr : std::move(e);
}

ast::ExprPtr Parser::parseOr() {
  auto left = parseAnd();
  while (left && !failed()) {
    std::string op = operatorOf(lexer_.peekToken(), {{"||", "||"}, {"or", "||"}});
    if (op.empty()) break;
    lexer_.next();
    auto right = parseAnd();
    if (!right) return nullptr;
    left = makeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

ast::ExprPtr Parser::parseAnd() {
  auto left = parseEquality();
  while (left && !failed()) {
    std::string op = operatorOf(lexer_.peekToken(), {{"&&", "&&"}, {"and", "&&"}});
    if (op.empty()) break;
    lexer_.next();
    auto right = parseEquality();
    if (!right) return nullptr;
    left = makeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

ast::ExprPtr Parser::parseEquality() {
  auto left = parseRelational();
  while (left && !failed()) {
    std::string op = operatorOf(lexer_.peekToken(), {{"==", "=="}, {"eq", "=="}, {"!=", "!="}, {"ne", "!="}});
    if (op.empty()) break;
    lexer_.next();
    auto right = parseRelational();
    if (!right) return nullptr;
    left = makeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

ast::ExprPtr Parser::parseRelational() {
  auto left = parseAdditive();
  while (left && !failed()) {
    std::string op = operatorOf(
        lexer_.peekToken(),
        {{"<", "<"}, {"lt", "<"}, {">", ">"}, {"gt", ">"}, {"<=", "<="}, {"le", "<="}, {">=", ">="}, {"ge", ">="}});
    if (op.empty()) break;
    lexer_.next();
    auto right = parseAdditive();
    if (!right) return nullptr;
    left = makeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

ast::ExprPtr Parser::parseAdditive() {
  auto left = parseMultiplicative();
  while (left && !failed()) {
    std::string op = operatorOf(lexer_.peekToken(), {{"+", "+"}, {"-", "-"}});
    if (op.empty()) break;
    lexer_.next();
    auto right = parseMultiplicative();
    if (!right) return nullptr;
    left = makeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

ast::ExprPtr Parser::parseMultiplicative() {
  auto left = parseUnary();
  while (left && !failed()) {
    std::string op = operatorOf(lexer_.peekToken(), {{"*", "*"}, {"/", "/"}, {"%", "%"}});
    if (op.empty()) break;
    lexer_.next();
    auto right = parseUnary();
    if (!right) return nullptr;
    left = makeBinary(op, std::move(left), std::move(right));
  }
  return left;
}

ast::ExprPtr Parser::parseUnary() {
  Token t = lexer_.peekToken();
  if (t.is("!") || t.isWord("not") || t.is("-")) {
    lexer_.next();
    if (!enter(t.offset)) return nullptr;
    auto operand = parseUnary();
    leave();
    if (!operand) return nullptr;
    if (t.is("-") && operand->kind == ast::ExprKind::kLiteral && operand->literal.isNumber()) {
      operand->literal = operand->literal.isInt() ? Value::integer(-operand->literal.asInt())
                                                  : Value::real(-operand->literal.asDouble());
      return operand;
    }
    auto e = makeExpr(t.is("-") ? ast::ExprKind::kNegate : ast::ExprKind::kNot, t.offset);
    e->operands.push_back(std::move(operand));
    return e;
  }
  return parsePrimary();
}

ast::ExprPtr Parser::parsePrimary() {
  lexer_.skipBlanks();
  std::size_t offset = lexer_.pos();
  if (lexer_.peek() == '$') {
    auto e = makeExpr(ast::ExprKind::kReference, offset);
    e->ref = parseReference();
    if (!e->ref) {
      if (!failed()) fail("invalid reference", offset);
      return nullptr;
    }
    return e;
  }
  Token t = lexer_.next();
  switch (t.kind) {
    case Token::Kind::kInt: {
      auto e = makeExpr(ast::ExprKind::kLiteral, offset);
      errno = 0;
      long long v = std::strtoll(t.text.c_str(), nullptr, 10);
      e->literal = errno == ERANGE ? Value::real(std::strtod(t.text.c_str(), nullptr)) : Value::integer(v);
      return e;
    }
    case Token::Kind::kFloat: {
      auto e = makeExpr(ast::ExprKind::kLiteral, offset);
      e->literal = Value::real(std::strtod(t.text.c_str(), nullptr));
      return e;
    }
    case Token::Kind::kString:
      return parseStringLiteral(t);
    case Token::Kind::kWord:
      if (t.text == "true" || t.text == "false" || t.text == "null") {
        auto e = makeExpr(ast::ExprKind::kLiteral, offset);
        if (t.text != "null") e->literal = Value::boolean(t.text == "true");
        return e;
      }
      fail("unexpected word '" + t.text + "'", offset);
      return nullptr;
    case Token::Kind::kPunct:
      if (t.is("(")) {
        auto e = parseExpression();
        if (!e || !expect(")")) return nullptr;
        return e;
      }
      if (t.is("[")) return parseListOrRange(offset);
      if (t.is("{")) return parseMapLiteral(offset);
      fail("unexpected '" + t.text + "'", offset);
      return nullptr;
    case Token::Kind::kError:
      fail(t.text, offset);
      return nullptr;
    default:
      fail("expected an expression", offset);
      return nullptr;
  }
}

ast::ExprPtr Parser::parseStringLiteral(const Token& token) {
  bool interpolate =
      token.quote == '"' && (token.text.find('$') != std::string::npos || token.text.find('#') != std::string::npos);
  if (!interpolate) {
    auto e = makeExpr(ast::ExprKind::kLiteral, token.offset);
    e->literal = Value::string(token.text);
    return e;
  }
  std::size_t begin = token.offset + 1;
  Parser inner(source_, begin, begin + token.text.size(), depth_ + 1);
  auto parts = std::make_unique<ast::Block>(inner.parseBlock());
  if (!inner.failed() && inner.terminator_ != Terminator::kEof) {
    inner.fail("unexpected #end, #else or #elseif", inner.terminatorOffset_);
  }
  if (inner.failed()) {
    if (!error_) error_ = inner.error_;
    return nullptr;
  }
  auto e = makeExpr(ast::ExprKind::kInterpolated, token.offset);
  e->parts = std::move(parts);
  return e;
}

ast::ExprPtr Parser::parseListOrRange(std::size_t offset) {
  auto e = makeExpr(ast::ExprKind::kList, offset);
  if (lexer_.peekToken().is("]")) {
    lexer_.next();
    return e;
  }
  auto first = parseExpression();
  if (!first) return nullptr;
  e->operands.push_back(std::move(first));
  if (lexer_.peekToken().is("..")) {
    lexer_.next();
    auto last = parseExpression();
    if (!last || !expect("]")) return nullptr;
    e->kind = ast::ExprKind::kRange;
    e->operands.push_back(std::move(last));
    return e;
  }
  Token t = lexer_.next();
  if (t.is("]")) return e;
  if (!t.is(",")) {
    fail("expected ',' or ']'", t.offset);
    return nullptr;
  }
  if (!parseArguments(e->operands, "]")) return nullptr;
  return e;
}

ast::ExprPtr Parser::parseMapLiteral(std::size_t offset) {
  auto e = makeExpr(ast::ExprKind::kMap, offset);
  if (lexer_.peekToken().is("}")) {
    lexer_.next();
    return e;
  }
  while (!failed()) {
    auto key = parseExpression();
    if (!key || !expect(":")) return nullptr;
    auto value = parseExpression();
    if (!value) return nullptr;
    e->operands.push_back(std::move(key));
    e->operands.push_back(std::move(value));
    Token t = lexer_.next();
    if (t.is("}")) return e;
    if (!t.is(",")) {
      fail("expected ',' or '}'", t.offset);
      return nullptr;
    }
  }
  return nullptr;
}

}  // namespace portico::vtl
