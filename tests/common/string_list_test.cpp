#include "common/string_list.h"

#include <gtest/gtest.h>

namespace portico {
namespace {

using List = std::vector<std::string>;

TEST(SplitListTest, TrimsAndKeepsEmptyItems) {
  EXPECT_EQ(splitList(""), List{});
  EXPECT_EQ(splitList("a"), List{"a"});
  EXPECT_EQ(splitList("method.request.header.A, method.request.querystring.b ,c"),
            (List{"method.request.header.A", "method.request.querystring.b", "c"}));
  EXPECT_EQ(splitList("a,,b"), (List{"a", "", "b"}));
  EXPECT_EQ(splitList("a, "), (List{"a", ""}));
  EXPECT_EQ(splitList("x;y", ';'), (List{"x", "y"}));
}

}  // namespace
}  // namespace portico
