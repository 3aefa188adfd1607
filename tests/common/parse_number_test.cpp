#include "common/parse_number.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace portico {
namespace {

TEST(ParseNumber, AcceptsOnlyAWholeNumberInRange) {
  EXPECT_EQ(parseNumber<int>("200"), 200);
  EXPECT_EQ(parseNumber<int>("-5"), -5);
  EXPECT_EQ(parseNumber<std::int64_t>("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parseNumber<std::int64_t>("9223372036854775808"));
  EXPECT_FALSE(parseNumber<int>("12abc"));
  EXPECT_FALSE(parseNumber<int>(" 12"));
  EXPECT_FALSE(parseNumber<int>("+12"));
  EXPECT_FALSE(parseNumber<int>(""));
  EXPECT_FALSE(parseNumber<unsigned>("-1"));
  EXPECT_FALSE(parseNumber<std::uint8_t>("256"));
}

TEST(ParseNumber, ReadsFiniteDecimals) {
  EXPECT_DOUBLE_EQ(*parseNumber<double>("10.5"), 10.5);
  EXPECT_DOUBLE_EQ(*parseNumber<double>("-1"), -1.0);
  EXPECT_FALSE(parseNumber<double>("nan"));
  EXPECT_FALSE(parseNumber<double>("inf"));
  EXPECT_FALSE(parseNumber<double>("1e999"));
  EXPECT_FALSE(parseNumber<double>("1.5x"));
}

}  // namespace
}  // namespace portico
