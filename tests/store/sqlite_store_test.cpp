#include <gtest/gtest.h>
#include <unistd.h>

#include "store/store.h"

namespace portico::store {
namespace {

struct SqliteStoreTest : ::testing::Test {
  std::filesystem::path dir;
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("portico-store-" + std::to_string(getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(SqliteStoreTest, RoundTripAndOrder) {
  auto s = makeSqliteStore(dir / "db");
  s->put({"resource", "api1", "b", R"({"n":1})"});
  s->put({"resource", "api1", "a", R"({"n":2})"});
  s->put({"resource", "api2", "c", R"({"n":3})"});
  auto got = s->get("resource", "api1", "a");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->body, R"({"n":2})");
  auto list = s->list("resource", "api1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "b");  // insertion order, not id order
  EXPECT_EQ(list[1].id, "a");
  s->put({"resource", "api1", "b", R"({"n":9})"});  // replace keeps position
  list = s->list("resource", "api1");
  EXPECT_EQ(list[0].id, "b");
  EXPECT_EQ(list[0].body, R"({"n":9})");
  EXPECT_FALSE(s->get("resource", "api1", "zz"));
}

TEST_F(SqliteStoreTest, SurvivesReopen) {
  {
    auto s = makeSqliteStore(dir / "db");
    s->put({"restapi", "", "x", "{}"});
  }
  auto s = makeSqliteStore(dir / "db");
  EXPECT_TRUE(s->get("restapi", "", "x"));
}

TEST_F(SqliteStoreTest, RemoveAndRemoveScope) {
  auto s = makeSqliteStore(dir / "db");
  s->put({"resource", "api1", "a", "{}"});
  s->put({"stage", "api1", "dev", "{}"});
  s->put({"stage", "api2", "dev", "{}"});
  EXPECT_TRUE(s->remove("resource", "api1", "a"));
  EXPECT_FALSE(s->remove("resource", "api1", "a"));
  EXPECT_EQ(s->removeScope("api1"), 1u);
  EXPECT_TRUE(s->get("stage", "api2", "dev"));
}

TEST_F(SqliteStoreTest, TransactionRollsBackOnException) {
  auto s = makeSqliteStore(dir / "db");
  EXPECT_THROW(s->transaction([&] {
    s->put({"restapi", "", "x", "{}"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(s->get("restapi", "", "x"));
  s->transaction([&] { s->put({"restapi", "", "y", "{}"}); });
  EXPECT_TRUE(s->get("restapi", "", "y"));
}

}  // namespace
}  // namespace portico::store
