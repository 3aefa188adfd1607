// RegexCache: per-render RE2 cache and Java replacement translation.
#include "vtl/regex_cache.h"

namespace portico::vtl {
namespace {
constexpr std::size_t kMaxPatterns = 256;
}

const RE2* RegexCache::get(const std::string& pattern) {
  auto it = compiled_.find(pattern);
  if (it != compiled_.end()) return it->second.get();
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) return nullptr;
  if (compiled_.size() >= kMaxPatterns) compiled_.clear();
  return compiled_.emplace(pattern, std::move(re)).first->second.get();
}

std::string javaReplacementToRe2(std::string_view replacement) {
  std::string out;
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    char c = replacement[i];
    if (c == '\\' && i + 1 < replacement.size()) {
      char next = replacement[++i];
      if (next == '\\') {
        out += "\\\\";
      } else {
        out += next;
      }
    } else if (c == '$' && i + 1 < replacement.size() && replacement[i + 1] >= '0' && replacement[i + 1] <= '9') {
      out += '\\';
      out += replacement[++i];
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace portico::vtl
