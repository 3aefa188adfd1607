#include "gateway/binary_media.h"

#include <boost/beast/core/string.hpp>

namespace portico::gateway {
namespace {

/// Glob match where '*' stands for any run of characters; both sides already lowercase.
bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

std::string mediaTypeOf(std::string_view value) {
  value = value.substr(0, value.find(';'));
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != ' ' && c != '\t') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool isBinaryMediaType(const std::vector<std::string>& binaryMediaTypes, std::string_view value) {
  if (binaryMediaTypes.empty()) return false;
  std::string type = mediaTypeOf(value);
  if (type.empty()) return false;
  for (const auto& candidate : binaryMediaTypes) {
    if (globMatch(mediaTypeOf(candidate), type)) return true;
  }
  return false;
}

bool acceptsBinary(const std::vector<std::string>& binaryMediaTypes, std::string_view accept) {
  return isBinaryMediaType(binaryMediaTypes, accept.substr(0, accept.find(',')));
}

}  // namespace portico::gateway
