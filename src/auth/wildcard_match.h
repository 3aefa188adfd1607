// IAM-style wildcard matching for the Action and Resource elements of the policies that Lambda
// authorizers return (aws-behaviour.md §6; IAM User Guide, reference_policies_elements_resource).
//
// '*' matches any run of characters, including none and including '/' and ':' (so one '*' can span
// several ARN segments); '?' matches exactly one character. There is no escape character.
#pragma once
#include <string_view>

namespace portico::auth {

/// True when all of `text` matches `pattern`. Every character but '*' and '?' matches itself, or
/// its other ASCII case too when `ignoreCase`.
///
/// Iterative with a single backtrack point (the last '*' seen), so it never recurses and cannot
/// blow up exponentially on patterns like "*a*a*a*b": the worst case is O(|pattern| * |text|)
/// character comparisons and the usual case is linear.
bool wildcardMatch(std::string_view pattern, std::string_view text, bool ignoreCase = false);

}  // namespace portico::auth
