// removeDotSegments: RFC 3986 dot-segment removal, encoded dots included.
#include "common/uri_encoding.h"

#include <gtest/gtest.h>

namespace portico {
namespace {

TEST(RemoveDotSegments, ResolvesDotSegmentsIncludingEncodedOnes) {
  EXPECT_EQ(removeDotSegments("/a/b"), "/a/b");
  EXPECT_EQ(removeDotSegments("/a/./b"), "/a/b");
  EXPECT_EQ(removeDotSegments("/public/../secret"), "/secret");
  EXPECT_EQ(removeDotSegments("/public/%2e%2e/secret"), "/secret");
  EXPECT_EQ(removeDotSegments("/public/%2E./secret"), "/secret");
  EXPECT_EQ(removeDotSegments("/a/b/.."), "/a/");
  EXPECT_EQ(removeDotSegments("/a/b/"), "/a/b/");
  EXPECT_EQ(removeDotSegments("/"), "/");
  EXPECT_EQ(removeDotSegments("/file.json"), "/file.json");
  EXPECT_EQ(removeDotSegments("/a/...b/%2e%2ex"), "/a/...b/%2e%2ex");  // not dot segments
  EXPECT_EQ(removeDotSegments("/.."), std::nullopt);
  EXPECT_EQ(removeDotSegments("/a/../../etc/passwd"), std::nullopt);
}

}  // namespace
}  // namespace portico
