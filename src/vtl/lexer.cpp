// Lexer: cursor helpers and expression tokens for the VTL parser.
#include "vtl/lexer.h"

#include <array>
#include <cctype>

namespace portico::vtl {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isIdentifierPart(char c) {
  return isIdentifierStart(c) || isDigit(c) || c == '-' || c == '_';
}

constexpr std::array<std::string_view, 7> kTwoCharPunct = {"..", "==", "!=", "<=", ">=", "&&", "||"};

}  // namespace

bool isIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool Lexer::lookingAt(std::string_view s) const {
  return pos_ + s.size() <= end_ && src_.substr(pos_, s.size()) == s;
}

std::string Lexer::scanIdentifier() {
  if (!isIdentifierStart(peek())) return {};
  std::size_t start = pos_;
  while (!atEnd() && isIdentifierPart(peek())) ++pos_;
  return std::string(slice(start, pos_));
}

void Lexer::skipBlanks() {
  while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
}

bool Lexer::skipToLineEnd() {
  std::size_t p = pos_;
  while (p < end_ && (src_[p] == ' ' || src_[p] == '\t')) ++p;
  if (p < end_ && src_[p] == '\n') {
    pos_ = p + 1;
    return true;
  }
  if (p < end_ && src_[p] == '\r') {
    pos_ = (p + 1 < end_ && src_[p + 1] == '\n') ? p + 2 : p + 1;
    return true;
  }
  return false;
}

Token Lexer::next() {
  skipBlanks();
  Token t;
  t.offset = pos_;
  if (atEnd()) return t;
  char c = peek();
  if (c == '$') {
    t.kind = Token::Kind::kDollar;
    return t;
  }
  if (isDigit(c)) {
    std::size_t start = pos_;
    while (isDigit(peek())) ++pos_;
    t.kind = Token::Kind::kInt;
    if (peek() == '.' && isDigit(peek(1))) {
      ++pos_;
      while (isDigit(peek())) ++pos_;
      t.kind = Token::Kind::kFloat;
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (isDigit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && isDigit(peek(2))))) {
      pos_ += 2;
      while (isDigit(peek())) ++pos_;
      t.kind = Token::Kind::kFloat;
    }
    t.text = std::string(slice(start, pos_));
    return t;
  }
  if (c == '"' || c == '\'') {
    // Contents are kept raw: Velocity does not unescape string literals, but a
    // backslash keeps the next character from closing a double-quoted string.
    ++pos_;
    std::size_t start = pos_;
    while (!atEnd() && peek() != c) {
      if (c == '"' && peek() == '\\' && pos_ + 1 < end_) ++pos_;
      ++pos_;
    }
    if (atEnd()) {
      t.kind = Token::Kind::kError;
      t.text = "unterminated string literal";
      return t;
    }
    t.kind = Token::Kind::kString;
    t.quote = c;
    t.text = std::string(slice(start, pos_));
    ++pos_;
    return t;
  }
  if (isIdentifierStart(c)) {
    std::size_t start = pos_;
    while (!atEnd() && (isIdentifierStart(peek()) || isDigit(peek()))) ++pos_;
    t.kind = Token::Kind::kWord;
    t.text = std::string(slice(start, pos_));
    return t;
  }
  for (std::string_view two : kTwoCharPunct) {
    if (lookingAt(two)) {
      pos_ += 2;
      t.kind = Token::Kind::kPunct;
      t.text = std::string(two);
      return t;
    }
  }
  if (std::string_view("()[]{},:.=<>!+-*/%").find(c) != std::string_view::npos) {
    ++pos_;
    t.kind = Token::Kind::kPunct;
    t.text = std::string(1, c);
    return t;
  }
  t.kind = Token::Kind::kError;
  t.text = std::string("unexpected character '") + c + "'";
  return t;
}

Token Lexer::peekToken() {
  std::size_t saved = pos_;
  Token t = next();
  pos_ = saved;
  return t;
}

std::pair<int, int> Lexer::lineColumn(std::size_t offset) const {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < src_.size(); ++i) {
    if (src_[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace portico::vtl
