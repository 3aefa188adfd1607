#include "common/id_generator.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <set>

namespace portico {
namespace {

TEST(IdGeneratorTest, UuidsAreVersion4InCanonicalForm) {
  IdGenerator ids(42);
  const re2::RE2 shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = ids.uuid();
    EXPECT_TRUE(re2::RE2::FullMatch(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(IdGeneratorTest, AlnumIdsAreLowercaseAlphanumerics) {
  IdGenerator ids(7);
  std::string id = ids.alnum(10);
  EXPECT_TRUE(re2::RE2::FullMatch(id, "[a-z0-9]{10}")) << id;
  EXPECT_NE(ids.alnum(10), id);
}

}  // namespace
}  // namespace portico
