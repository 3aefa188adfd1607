// Parser: template text, comments, escapes and directives.
#include "vtl/parser.h"

#include <array>

namespace portico::vtl {
namespace {

constexpr int kMaxDepth = 150;
constexpr std::array<std::string_view, 4> kRefused = {"macro", "evaluate", "include", "parse"};

bool isBlank(std::string_view s) {
  return s.find_first_not_of(" \t") == std::string_view::npos;
}

bool isDirective(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kNames = {"set",      "if",      "elseif", "else",   "end",
                                                              "foreach",  "break",   "stop",   "define", "macro",
                                                              "evaluate", "include", "parse"};
  for (auto n : kNames) {
    if (n == name) return true;
  }
  return false;
}

ast::Node textNode(std::string text) {
  ast::Node node;
  node.kind = ast::Node::Kind::kText;
  node.text = std::move(text);
  return node;
}

}  // namespace

Parser::Parser(std::string_view source, std::size_t begin, std::size_t end, int depth)
    : source_(source), lexer_(source, begin, end), depth_(depth) {}

Result<ast::Block> Parser::parse(std::string_view source) {
  Parser parser(source, 0, source.size(), 0);
  ast::Block block = parser.parseBlock();
  if (!parser.failed() && parser.terminator_ != Terminator::kEof) {
    parser.fail("unexpected #end, #else or #elseif", parser.terminatorOffset_);
  }
  if (parser.failed()) return *parser.error_;
  return block;
}

void Parser::fail(std::string message, std::size_t offset) {
  if (error_) return;
  auto [line, column] = lexer_.lineColumn(offset);
  error_ = ApiError::badRequest("Invalid mapping expression specified: " + message + " at line " +
                                std::to_string(line) + ", column " + std::to_string(column));
}

bool Parser::enter(std::size_t offset) {
  if (++depth_ > kMaxDepth) {
    fail("template nested too deeply", offset);
    return false;
  }
  return true;
}

std::string Parser::peekDirectiveName(std::size_t& length) const {
  std::size_t p = lexer_.pos() + 1;
  bool braced = p < lexer_.end() && source_[p] == '{';
  if (braced) ++p;
  std::size_t start = p;
  while (p < lexer_.end() && ((source_[p] >= 'a' && source_[p] <= 'z') || (source_[p] >= 'A' && source_[p] <= 'Z')))
    ++p;
  std::string name(source_.substr(start, p - start));
  if (braced) {
    if (p >= lexer_.end() || source_[p] != '}') return {};
    ++p;
  }
  if (!isDirective(name)) return {};
  length = p - lexer_.pos();
  return name;
}

ast::Block Parser::parseBlock() {
  ast::Block block;
  std::string text;
  std::size_t textTokenStart = 0;  // where the current run of plain text began (for #set)
  auto flush = [&] {
    if (!text.empty()) block.push_back(textNode(std::move(text)));
    text.clear();
    textTokenStart = 0;
  };
  if (!enter(lexer_.pos())) return block;
  terminator_ = Terminator::kEof;
  while (!lexer_.atEnd() && !failed()) {
    char c = lexer_.peek();
    if (c == '\\') {
      if (parseEscape(block, text)) textTokenStart = text.size();
      continue;
    }
    if (c == '$') {
      std::size_t offset = lexer_.pos();
      if (auto ref = parseReference()) {
        flush();
        ast::Node node;
        node.kind = ast::Node::Kind::kReference;
        node.offset = offset;
        node.ref = std::move(ref);
        block.push_back(std::move(node));
      } else if (!failed()) {
        text += '$';
        lexer_.advance();
      }
      continue;
    }
    if (c == '#') {
      if (lexer_.lookingAt("##")) {  // line comment: eats its newline
        while (!lexer_.atEnd() && lexer_.peek() != '\n') lexer_.advance();
        lexer_.advance();
        textTokenStart = text.size();
        continue;
      }
      if (lexer_.lookingAt("#*")) {
        std::size_t close = source_.find("*#", lexer_.pos() + 2);
        if (close == std::string_view::npos || close + 2 > lexer_.end()) {
          fail("unterminated #* comment", lexer_.pos());
          break;
        }
        lexer_.seek(close + 2);
        textTokenStart = text.size();
        continue;
      }
      if (lexer_.lookingAt("#[[")) {  // unparsed content
        std::size_t close = source_.find("]]#", lexer_.pos() + 3);
        if (close == std::string_view::npos || close + 3 > lexer_.end()) {
          fail("unterminated #[[ block", lexer_.pos());
          break;
        }
        text += source_.substr(lexer_.pos() + 3, close - lexer_.pos() - 3);
        lexer_.seek(close + 3);
        continue;
      }
      if (parseDirective(block, text, textTokenStart)) {
        if (terminator_ != Terminator::kEof) break;
        continue;
      }
      if (failed()) break;
    }
    text += c;
    lexer_.advance();
  }
  flush();
  leave();
  return block;
}

// Returns true when a directive (or a block terminator) was consumed.
bool Parser::parseDirective(ast::Block& block, std::string& text, std::size_t& textTokenStart) {
  std::size_t length = 0;
  std::size_t offset = lexer_.pos();
  std::string name = peekDirectiveName(length);
  if (name.empty()) return false;
  for (auto refused : kRefused) {
    if (name == refused) {
      fail("#" + name + " is not supported", offset);
      return false;
    }
  }
  if (name == "set" && textTokenStart <= text.size() && isBlank(std::string_view(text).substr(textTokenStart))) {
    text.resize(textTokenStart);  // Velocity 1.7: #set swallows the blanks before it
  }
  if (!text.empty()) block.push_back(textNode(std::move(text)));
  text.clear();
  textTokenStart = 0;
  lexer_.advance(length);
  if (name == "end" || name == "else") {
    terminator_ = name == "end" ? Terminator::kEnd : Terminator::kElse;
    terminatorOffset_ = offset;
    lexer_.skipToLineEnd();
    return true;
  }
  if (name == "elseif") {
    terminator_ = Terminator::kElseIf;
    terminatorOffset_ = offset;
    return true;  // the #if parser reads the condition
  }
  if (name == "set") {
    parseSet(block, offset);
  } else if (name == "if") {
    parseIf(block, offset);
  } else if (name == "foreach") {
    parseForeach(block, offset);
  } else if (name == "define") {
    parseDefine(block, offset);
  } else {  // break, stop
    ast::Node node;
    node.kind = name == "stop" ? ast::Node::Kind::kStop : ast::Node::Kind::kBreak;
    node.offset = offset;
    skipOptionalArgs();
    block.push_back(std::move(node));
  }
  return !failed();
}

// `\$ref` and `\#directive`: an odd run of backslashes makes what follows literal;
// each pair prints one backslash. Returns true when something was consumed.
bool Parser::parseEscape(ast::Block& block, std::string& text) {
  std::size_t start = lexer_.pos();
  std::size_t p = start;
  while (p < lexer_.end() && source_[p] == '\\') ++p;
  std::size_t count = p - start;
  lexer_.seek(p);
  if (lexer_.peek() == '$') {
    if (auto ref = parseReference()) {
      text.append(count / 2, '\\');
      if (count % 2 == 1) {
        text += ref->source;
      } else {
        if (!text.empty()) block.push_back(textNode(std::move(text)));
        text.clear();
        ast::Node node;
        node.kind = ast::Node::Kind::kReference;
        node.offset = p;
        node.ref = std::move(ref);
        block.push_back(std::move(node));
      }
      return true;
    }
    if (failed()) return false;
  } else if (lexer_.peek() == '#') {
    std::size_t length = 0;
    if (!peekDirectiveName(length).empty()) {
      text.append(count / 2, '\\');
      if (count % 2 == 1) {
        text += source_.substr(p, length);
        lexer_.advance(length);
      }
      return true;
    }
  }
  text.append(count, '\\');
  return false;
}

void Parser::parseSet(ast::Block& block, std::size_t offset) {
  ast::Node node;
  node.kind = ast::Node::Kind::kSet;
  node.offset = offset;
  if (!expect("(")) return;
  lexer_.skipBlanks();
  if (lexer_.peek() != '$') return fail("#set expects a reference", lexer_.pos());
  node.ref = parseReference();
  if (!node.ref) return fail("#set expects a reference", lexer_.pos());
  if (!expect("=")) return;
  node.expr = parseExpression();
  if (!node.expr || !expect(")")) return;
  lexer_.skipToLineEnd();
  block.push_back(std::move(node));
}

void Parser::parseIf(ast::Block& block, std::size_t offset) {
  ast::Node node;
  node.kind = ast::Node::Kind::kIf;
  node.offset = offset;
  bool readCondition = true;
  while (!failed()) {
    ast::Branch branch;
    if (readCondition) {
      if (!expect("(")) return;
      branch.cond = parseExpression();
      if (!branch.cond || !expect(")")) return;
      lexer_.skipToLineEnd();
    }
    branch.body = parseBlock();
    if (failed()) return;
    node.branches.push_back(std::move(branch));
    Terminator t = terminator_;
    terminator_ = Terminator::kEof;
    if (t == Terminator::kEnd) break;
    if (t == Terminator::kEof) return fail("#if without #end", offset);
    if (!readCondition) return fail("#else or #elseif after #else", terminatorOffset_);
    readCondition = t == Terminator::kElseIf;
  }
  block.push_back(std::move(node));
}

void Parser::parseForeach(ast::Block& block, std::size_t offset) {
  ast::Node node;
  node.kind = ast::Node::Kind::kForeach;
  node.offset = offset;
  if (!expect("(")) return;
  lexer_.skipBlanks();
  if (lexer_.peek() != '$') return fail("#foreach expects a reference", lexer_.pos());
  auto var = parseReference();
  if (!var || !var->suffixes.empty()) return fail("#foreach expects a simple reference", offset);
  node.text = var->name;
  Token in = lexer_.next();
  if (!in.isWord("in")) return fail("#foreach expects 'in'", in.offset);
  node.expr = parseExpression();
  if (!node.expr || !expect(")")) return;
  lexer_.skipToLineEnd();
  ast::Branch body;
  body.body = parseBlock();
  if (failed()) return;
  if (terminator_ != Terminator::kEnd) return fail("#foreach without #end", offset);
  terminator_ = Terminator::kEof;
  node.branches.push_back(std::move(body));
  block.push_back(std::move(node));
}

void Parser::parseDefine(ast::Block& block, std::size_t offset) {
  ast::Node node;
  node.kind = ast::Node::Kind::kDefine;
  node.offset = offset;
  if (!expect("(")) return;
  lexer_.skipBlanks();
  auto var = lexer_.peek() == '$' ? parseReference() : nullptr;
  if (!var || !var->suffixes.empty()) return fail("#define expects a simple reference", offset);
  node.text = var->name;
  if (!expect(")")) return;
  lexer_.skipToLineEnd();
  ast::Branch body;
  body.body = parseBlock();
  if (failed()) return;
  if (terminator_ != Terminator::kEnd) return fail("#define without #end", offset);
  terminator_ = Terminator::kEof;
  node.branches.push_back(std::move(body));
  block.push_back(std::move(node));
}

// `#break($foreach)` and `#stop()` may name a scope; the scope is ignored.
void Parser::skipOptionalArgs() {
  if (lexer_.peek() != '(') return;
  lexer_.advance();
  std::vector<ast::ExprPtr> ignored;
  parseArguments(ignored, ")");
}

}  // namespace portico::vtl
