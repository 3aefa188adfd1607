#include "common/uri_encoding.h"

namespace portico {
namespace {
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percentDecode(std::string_view in, bool plusAsSpace) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plusAsSpace && c == '+' ? ' ' : c);
  }
  return out;
}

std::string percentEncode(std::string_view in, bool keepSlash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (unsigned char c : in) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~' || (keepSlash && c == '/');
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(percentDecode(path.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(start, end - start);
    if (!part.empty()) {
      std::size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(percentDecode(part, true), std::string());
      } else {
        out.emplace_back(percentDecode(part.substr(0, eq), true), percentDecode(part.substr(eq + 1), true));
      }
    }
    start = end + 1;
  }
  return out;
}

std::optional<std::string> removeDotSegments(std::string_view path) {
  if (path.find('.') == std::string_view::npos && path.find('%') == std::string_view::npos) return std::string(path);
  std::vector<std::string_view> kept;
  bool trailingSlash = false;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    std::string_view seg = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::string decoded = seg.size() <= 6 ? percentDecode(seg) : std::string();
    const bool last = end == std::string_view::npos;
    if (decoded == ".") {
      trailingSlash = last;
    } else if (decoded == "..") {
      if (kept.empty()) return std::nullopt;
      kept.pop_back();
      trailingSlash = last;
    } else {
      kept.push_back(seg);
      trailingSlash = false;
    }
    if (last) break;
    start = end + 1;
  }
  std::string out;
  for (auto seg : kept) out.append("/").append(seg);
  if (trailingSlash || out.empty()) out += "/";
  return out;
}

}  // namespace portico
