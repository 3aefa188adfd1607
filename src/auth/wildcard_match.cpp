#include "auth/wildcard_match.h"

#include <cstddef>

namespace portico::auth {
namespace {

char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool wildcardMatch(std::string_view pattern, std::string_view text, bool ignoreCase) {
  constexpr std::size_t kNone = std::string_view::npos;
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = kNone;  // pattern index of the last '*' seen
  std::size_t resume = 0;    // text index that '*' will swallow up to on the next retry
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      // Only the last '*' ever needs retrying: whatever an earlier '*' swallowed, the later
      // one could have swallowed too, so earlier choices never have to be revisited.
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t] ||
                                      (ignoreCase && asciiLower(pattern[p]) == asciiLower(text[t])))) {
      ++p;
      ++t;
    } else if (star != kNone) {
      p = star + 1;  // let the last '*' swallow one more character and try again
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace portico::auth
