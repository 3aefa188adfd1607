#include "gateway/binary_media.h"

#include <gtest/gtest.h>

namespace portico::gateway {
namespace {

TEST(BinaryMedia, MatchesExactTypesIgnoringParametersAndCase) {
  std::vector<std::string> types{"image/png", "application/octet-stream"};
  EXPECT_TRUE(isBinaryMediaType(types, "image/png"));
  EXPECT_TRUE(isBinaryMediaType(types, "Image/PNG; q=1"));
  EXPECT_TRUE(isBinaryMediaType(types, "application/octet-stream"));
  EXPECT_FALSE(isBinaryMediaType(types, "image/jpeg"));
  EXPECT_FALSE(isBinaryMediaType(types, ""));
  EXPECT_FALSE(isBinaryMediaType({}, "image/png"));
}

TEST(BinaryMedia, Wildcards) {
  EXPECT_TRUE(isBinaryMediaType({"image/*"}, "image/jpeg"));
  EXPECT_FALSE(isBinaryMediaType({"image/*"}, "text/plain"));
  EXPECT_TRUE(isBinaryMediaType({"*/*"}, "text/plain"));
  EXPECT_TRUE(isBinaryMediaType({"application/*+json"}, "application/vnd.a+json"));
}

TEST(BinaryMedia, OnlyTheFirstAcceptTypeCounts) {
  std::vector<std::string> types{"image/png"};
  EXPECT_TRUE(acceptsBinary(types, "image/png, text/html"));
  EXPECT_FALSE(acceptsBinary(types, "text/html, image/png"));
  EXPECT_FALSE(acceptsBinary(types, ""));
}

}  // namespace
}  // namespace portico::gateway
