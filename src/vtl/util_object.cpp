// UtilObject: $util.escapeJavaScript / parseJson / urlEncode / urlDecode /
// base64Encode / base64Decode, with the Java library semantics API Gateway uses.
#include "vtl/util_object.h"

#include <boost/json.hpp>
#include <cstdio>

#include "vtl/string_methods.h"

namespace portico::vtl {
namespace {

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += kBase64[(n >> 6) & 63];
    out += kBase64[n & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : in) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding) return std::nullopt;  // data after padding
    std::size_t v = kBase64.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (padding > 2 || bits >= 6) return std::nullopt;
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> urlDecodeJava(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hexValue(s[i + 1]);
      int lo = hexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string escapeJavaScript(std::string_view s) {
  std::string out;
  char buf[8];
  for (char16_t ch : toUtf16(s)) {
    if (ch > 0x7f) {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(ch));
      out += buf;
    } else if (ch < 32) {
      switch (ch) {
        case '\b':
          out += "\\b";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(ch));
          out += buf;
      }
    } else if (ch == '\'' || ch == '"' || ch == '\\' || ch == '/') {
      out += '\\';
      out += static_cast<char>(ch);
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

std::string urlEncodeJava(std::string_view s) {
  std::string out;
  char buf[4];
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
        c == '*' || c == '_') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned>(u));
      out += buf;
    }
  }
  return out;
}

Result<std::optional<Value>> UtilObject::call(std::string_view name, const std::vector<Value>& args) const {
  if (args.size() != 1) return std::optional<Value>();
  if (args[0].isNull()) return std::optional(Value());
  const std::string text = args[0].toString();
  if (name == "escapeJavaScript") return std::optional(Value::string(escapeJavaScript(text)));
  if (name == "urlEncode") return std::optional(Value::string(urlEncodeJava(text)));
  if (name == "base64Encode") return std::optional(Value::string(base64Encode(text)));
  if (name == "urlDecode") {
    auto decoded = urlDecodeJava(text);
    if (!decoded) return ApiError::internal("$util.urlDecode: malformed escape in '" + text + "'");
    return std::optional(Value::string(std::move(*decoded)));
  }
  if (name == "base64Decode") {
    auto decoded = base64Decode(text);
    if (!decoded) return ApiError::internal("$util.base64Decode: invalid base64");
    return std::optional(Value::string(std::move(*decoded)));
  }
  if (name == "parseJson") {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec, {}, jsonParseOptions());
    if (ec) return ApiError::internal("$util.parseJson: invalid JSON: " + ec.message());
    return std::optional(Value::fromJson(v));
  }
  return std::optional<Value>();
}

}  // namespace portico::vtl
