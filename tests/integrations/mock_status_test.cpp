#include <gtest/gtest.h>

#include "integrations/integrations.h"

namespace portico::integrations {
namespace {

TEST(MockStatusCode, FromTheRenderedTemplate) {
  EXPECT_EQ(mockStatusCode(R"({"statusCode": 200})"), 200);
  EXPECT_EQ(mockStatusCode("{\n  \"statusCode\" :\t404\n}"), 404);
  EXPECT_EQ(mockStatusCode(R"({"statusCode": "503"})"), 503);
  EXPECT_EQ(mockStatusCode(R"({"a": 1, "statusCode": 201, "b": "x"})"), 201);
  // Nested or repeated keys take the full JSON reading: the top-level one counts.
  EXPECT_EQ(mockStatusCode(R"({"inner": {"statusCode": 500}, "statusCode": 202})"), 202);
  EXPECT_EQ(mockStatusCode(R"({"list": [{"statusCode": 500}]})"), 200);
  EXPECT_EQ(mockStatusCode(""), 200);
  EXPECT_EQ(mockStatusCode("not json"), 200);
  EXPECT_EQ(mockStatusCode(R"({"statusCode": "abc"})"), 0);
  EXPECT_EQ(mockStatusCode(R"({"other": 1})"), 200);
}

}  // namespace
}  // namespace portico::integrations
