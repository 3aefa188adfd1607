// Tests for the IAM-style wildcard matcher: '*' and '?' semantics, case folding, and that
// adversarial patterns stay fast (no backtracking blow-up).
#include "auth/wildcard_match.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace portico::auth {
namespace {

TEST(WildcardMatch, LiteralsMatchWholeText) {
  EXPECT_TRUE(wildcardMatch("", ""));
  EXPECT_TRUE(wildcardMatch("abc", "abc"));
  EXPECT_FALSE(wildcardMatch("abc", "abcd"));
  EXPECT_FALSE(wildcardMatch("abcd", "abc"));
  EXPECT_FALSE(wildcardMatch("", "a"));
  EXPECT_FALSE(wildcardMatch("a", ""));
}

TEST(WildcardMatch, StarMatchesAnyRunIncludingSeparators) {
  EXPECT_TRUE(wildcardMatch("*", ""));
  EXPECT_TRUE(wildcardMatch("*", "arn:aws:x/y/z"));
  EXPECT_TRUE(wildcardMatch("a*", "a"));
  EXPECT_TRUE(wildcardMatch("a*c", "a/b:c"));
  EXPECT_TRUE(wildcardMatch("**", "abc"));
  EXPECT_TRUE(wildcardMatch("*b*", "abc"));
  EXPECT_TRUE(wildcardMatch("a*b*c", "aXbYbZc"));
  EXPECT_TRUE(wildcardMatch("*ab", "aab"));       // the star must give back what it swallowed
  EXPECT_TRUE(wildcardMatch("a*bc", "abcbcbc"));  // the match is anchored at the end
  EXPECT_FALSE(wildcardMatch("a*c", "abcd"));
  EXPECT_FALSE(wildcardMatch("*x", "abc"));
}

TEST(WildcardMatch, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(wildcardMatch("?", "/"));
  EXPECT_TRUE(wildcardMatch("a?c", "abc"));
  EXPECT_TRUE(wildcardMatch("??", "ab"));
  EXPECT_FALSE(wildcardMatch("?", ""));
  EXPECT_FALSE(wildcardMatch("a?c", "ac"));
  EXPECT_FALSE(wildcardMatch("a?c", "abbc"));
  EXPECT_TRUE(wildcardMatch("*?", "a"));
  EXPECT_FALSE(wildcardMatch("*??", "a"));
}

TEST(WildcardMatch, WildcardCharactersInTheTextAreOrdinary) {
  EXPECT_TRUE(wildcardMatch("a*", "a*"));
  EXPECT_TRUE(wildcardMatch("?", "*"));
  EXPECT_FALSE(wildcardMatch("a?", "a"));
}

TEST(WildcardMatch, CaseFoldingIsOptionalAndAsciiOnly) {
  EXPECT_FALSE(wildcardMatch("execute-api:invoke", "execute-api:Invoke"));
  EXPECT_TRUE(wildcardMatch("execute-api:invoke", "execute-api:Invoke", true));
  EXPECT_TRUE(wildcardMatch("EXECUTE-API:*", "execute-api:Invoke", true));
  EXPECT_FALSE(wildcardMatch("\xc3\xa9", "\xc3\x89", true));  // é vs É: not folded
}

TEST(WildcardMatch, AdversarialPatternsStayFast) {
  // A recursive matcher explores exponentially many ways to split the text among these stars.
  const std::string text(20000, 'a');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wildcardMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(wildcardMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*", text));
  EXPECT_FALSE(wildcardMatch("*" + std::string(50, '?') + "b", text));
  EXPECT_FALSE(wildcardMatch(std::string(200, '*') + "b", text));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace portico::auth
