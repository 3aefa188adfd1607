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

TEST_F(SqliteStoreTest, GenerationMovesOnceAWriteHasEnded) {
  auto s = makeSqliteStore(dir / "db");
  auto g0 = s->generation("function");
  s->put({"function", "", "f", "{}"});
  auto g1 = s->generation("function");
  EXPECT_NE(g1, g0);
  EXPECT_TRUE(s->remove("function", "", "f"));
  auto g2 = s->generation("function");
  EXPECT_NE(g2, g1);
  s->put({"function", "fn:x", "f", "{}"});
  auto g3 = s->generation("function");
  EXPECT_EQ(s->removeScope("fn:x"), 1u);
  EXPECT_NE(s->generation("function"), g3);

  // Inside a transaction nothing moves until it ends (other threads cannot see its writes yet).
  auto before = s->generation("function");
  std::uint64_t during = 0;
  s->transaction([&] {
    s->put({"function", "", "g", "{}"});
    s->put({"function", "", "h", "{}"});
    during = s->generation("function");
  });
  EXPECT_EQ(during, before);
  EXPECT_NE(s->generation("function"), before);

  // A rolled-back transaction moves it too: a reader inside it may have seen its writes.
  before = s->generation("function");
  EXPECT_THROW(s->transaction([&] {
    s->put({"function", "", "i", "{}"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_NE(s->generation("function"), before);
  // Another kind's writes leave it alone (an Event invocation's queue must not empty a cache of
  // functions); a removeScope moves every kind's.
  before = s->generation("function");
  s->put({"async_invocation", "", "e", "{}"});
  EXPECT_TRUE(s->remove("async_invocation", "", "e"));
  EXPECT_EQ(s->generation("function"), before);
  EXPECT_NE(s->generation("async_invocation"), 0u);
  s->removeScope("nothing-there");
  EXPECT_NE(s->generation("function"), before);
  // Reads move nothing.
  before = s->generation("function");
  s->get("function", "", "g");
  s->list("function", "");
  EXPECT_EQ(s->generation("function"), before);
}

}  // namespace
}  // namespace portico::store
