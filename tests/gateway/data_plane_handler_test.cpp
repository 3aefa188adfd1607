#include "gateway/data_plane_handler.h"

#include <gtest/gtest.h>

namespace portico::gateway {
namespace {

TEST(ParseAddress, HostStyle) {
  auto a = parseAddress("abc123defg.execute-api.localhost:8080", "/dev/pets/1?x=1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->apiId, "abc123defg");
  EXPECT_EQ(a->stage, "dev");
  EXPECT_EQ(a->path, "/pets/1");
  EXPECT_EQ(a->query, "x=1");
}

TEST(ParseAddress, PathStyle) {
  auto a = parseAddress("127.0.0.1:8080", "/restapis/abc/prod/_user_request_/a/b?q");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->apiId, "abc");
  EXPECT_EQ(a->stage, "prod");
  EXPECT_EQ(a->path, "/a/b");
  EXPECT_EQ(a->query, "q");
  auto root = parseAddress("127.0.0.1", "/restapis/abc/prod/_user_request_");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path, "/");
}

TEST(ParseAddress, NeitherForm) {
  EXPECT_FALSE(parseAddress("127.0.0.1:8080", "/dev/pets"));
  EXPECT_FALSE(parseAddress("127.0.0.1", "/restapis/abc/prod/other/x"));
}

}  // namespace
}  // namespace portico::gateway
