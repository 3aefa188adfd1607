#include "openapi/document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace portico::openapi {
namespace bj = boost::json;
namespace {

ApiError invalid(const std::string& why) {
  return ApiError::badRequest("Invalid OpenAPI input: " + why);
}

constexpr std::string_view kControlCharacters{
    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
    "\x1e\x1f",
    29};

bool validUtf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > n) return false;
    unsigned cp = c & (0xFFu >> (len + 1));
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

/// Flow-style nesting ([ and { outside quotes) deeper than kMaxDepth, found before the parser
/// recurses into it.
bool nestsTooDeep(std::string_view s) {
  int depth = 0;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == '\n') {
      quote = 0;  // (a stray quote in a block scalar must not hide the rest)
    }
  }
  return false;
}

/// A plain (unquoted) YAML scalar as YAML 1.2's core schema reads it.
bj::value plainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* b = s.data();
  const char* e = b + s.size();
  const char* digits = (*b == '-' || *b == '+') ? b + 1 : b;
  if (digits < e && std::all_of(digits, e, [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(*b == '+' ? b + 1 : b, e, v);
    if (ec == std::errc() && p == e) return v;
  }
  if (s.find_first_of("0123456789") != std::string::npos &&
      s.find_first_not_of("0123456789+-.eE") == std::string::npos) {
    double d = 0;
    auto [p, ec] = std::from_chars(b, e, d);
    if (ec == std::errc() && p == e && std::isfinite(d)) return d;
  }
  return bj::string(s);
}

struct Converter {
  std::size_t values = 0;
  std::size_t bytes = 0;  // of scalars and keys once aliases are expanded

  static ApiError tooBig() {
    return invalid("the document holds more than " + std::to_string(kMaxExpandedBytes >> 20) +
                   " MB of text once its aliases are expanded");
  }

  Result<bj::value> convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) return invalid("the document nests deeper than " + std::to_string(kMaxDepth) + " levels");
    if (++values > kMaxValues) {
      return invalid("the document holds more than " + std::to_string(kMaxValues) +
                     " values once its aliases are expanded");
    }
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return bj::value(nullptr);
      case YAML::NodeType::Scalar:
        if ((bytes += node.Scalar().size()) > kMaxExpandedBytes) return tooBig();
        // (An escape such as "\uD800" can make what the text did not hold.)
        if (!validUtf8(node.Scalar())) return invalid("a string is not valid UTF-8");
        if (node.Tag() == "?") return plainScalar(node.Scalar());
        return bj::value(bj::string(node.Scalar()));
      case YAML::NodeType::Sequence: {
        bj::array out;
        for (const auto& item : node) {
          auto v = convert(item, depth + 1);
          if (!v) return v;
          out.push_back(std::move(*v));
        }
        return bj::value(std::move(out));
      }
      case YAML::NodeType::Map: {
        bj::object out;
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) return invalid("a mapping key is not a scalar");
          const std::string key = kv.first.Scalar();
          if ((bytes += key.size()) > kMaxExpandedBytes) return tooBig();
          if (!validUtf8(key)) return invalid("a key is not valid UTF-8");
          if (out.contains(key)) {
            return invalid("duplicate key '" + key.substr(0, 200) + "' at line " +
                           std::to_string(kv.first.Mark().line + 1));
          }
          auto v = convert(kv.second, depth + 1);
          if (!v) return v;
          out.emplace(key, std::move(*v));
        }
        return bj::value(std::move(out));
      }
    }
    return bj::value(nullptr);
  }
};

void emit(YAML::Emitter& out, const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::object:
      out << YAML::BeginMap;
      for (const auto& [k, item] : v.get_object()) {
        out << YAML::Key << std::string(k) << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case bj::kind::array:
      out << YAML::BeginSeq;
      for (const auto& item : v.get_array()) emit(out, item);
      out << YAML::EndSeq;
      break;
    case bj::kind::string:
      out << YAML::DoubleQuoted << std::string(v.get_string());
      break;
    case bj::kind::bool_:
      out << (v.get_bool() ? "true" : "false");
      break;
    case bj::kind::null:
      out << YAML::Null;
      break;
    default:
      out << bj::serialize(v);
  }
}

}  // namespace

Result<bj::value> parseDocument(std::string_view text) {
  if (text.size() > kMaxDocumentBytes) return ApiError::badRequest("Request body is larger than the 6 MB limit");
  if (!validUtf8(text)) return invalid("the document is not valid UTF-8");
  // Neither YAML nor JSON text holds raw control characters but tab, CR and LF (a NUL in YAML
  // made yaml-cpp return bytes that are not UTF-8).
  if (auto at = text.find_first_of(kControlCharacters); at != std::string_view::npos) {
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
    return invalid("the document holds a control character (" + std::to_string(static_cast<unsigned char>(text[at])) +
                   ") at line " + std::to_string(line));
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return invalid("the document is empty");
  if (nestsTooDeep(text)) return invalid("the document nests deeper than " + std::to_string(kMaxDepth) + " levels");
  if (text[first] == '{') {
    bj::parse_options options;
    options.max_depth = kMaxDepth;
    boost::system::error_code ec;
    bj::stream_parser p({}, options);
    std::size_t n = p.write_some(text.data(), text.size(), ec);
    if (!ec) p.finish(ec);
    if (ec) {
      const std::size_t at = std::min(n, text.size());
      const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
      return invalid("JSON: " + ec.message() + " at line " + std::to_string(line));
    }
    return p.release();
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    Converter c;
    return c.convert(root, 0);
  } catch (const YAML::Exception& e) {
    return invalid("YAML: " + e.msg + " at line " + std::to_string(e.mark.line + 1) + ", column " +
                   std::to_string(e.mark.column + 1));
  }
}

std::string toYaml(const bj::value& doc) {
  YAML::Emitter out;
  emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

}  // namespace portico::openapi
