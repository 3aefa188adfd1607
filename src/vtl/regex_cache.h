// RegexCache: compiled RE2 patterns for the Java regex methods (matches,
// replaceAll, replaceFirst, split), kept for one render so a loop does not
// recompile its pattern. Java regex syntax beyond RE2's (lookaround,
// backreferences in the pattern) is reported as an unsupported pattern.
#pragma once
#include <re2/re2.h>

#include <map>
#include <memory>
#include <string>

namespace portico::vtl {

class RegexCache {
 public:
  /// The compiled pattern, or nullptr when RE2 cannot compile it.
  const RE2* get(const std::string& pattern);

 private:
  std::map<std::string, std::unique_ptr<RE2>> compiled_;
};

/// Translates a Java replacement string ($1, \$) into an RE2 rewrite (\1, $).
std::string javaReplacementToRe2(std::string_view replacement);

}  // namespace portico::vtl
