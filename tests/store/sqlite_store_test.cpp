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
  EXPECT_EQ(got->kind, "resource");
  EXPECT_EQ(got->scope, "api1");
  EXPECT_EQ(got->id, "a");
  EXPECT_EQ(got->body, R"({"n":2})");
  auto list = s->list("resource", "api1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "b");  // insertion order, not id order
  EXPECT_EQ(list[0].body, R"({"n":1})");
  EXPECT_EQ(list[1].id, "a");
  EXPECT_EQ(list[1].body, R"({"n":2})");
  EXPECT_EQ(list[1].kind, "resource");
  EXPECT_EQ(list[1].scope, "api1");
  EXPECT_LT(list[0].seq, list[1].seq);
  EXPECT_EQ(list[1].seq, got->seq) << "get and list report the same insertion order";
  const std::int64_t firstSeq = list[0].seq;
  s->put({"resource", "api1", "b", R"({"n":9})"});  // replace keeps position
  list = s->list("resource", "api1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "b");
  EXPECT_EQ(list[0].body, R"({"n":9})");
  EXPECT_EQ(list[0].seq, firstSeq);
  EXPECT_EQ(list[1].id, "a");
  EXPECT_EQ(list[1].body, R"({"n":2})") << "the other document is untouched";
  auto other = s->list("resource", "api2");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].id, "c");
  EXPECT_EQ(other[0].body, R"({"n":3})");
  EXPECT_FALSE(s->get("resource", "api1", "zz"));
  EXPECT_FALSE(s->get("resource", "api2", "a")) << "another scope's id";
  EXPECT_FALSE(s->get("stage", "api1", "a")) << "another kind's id";
  EXPECT_TRUE(s->list("stage", "api1").empty());
}

TEST_F(SqliteStoreTest, KindScopeAndIdAreExactAndDistinct) {
  auto s = makeSqliteStore(dir / "db");
  s->put({"restapi", "", "x", "root scope"});
  s->put({"restapi", "x", "x", "scope x"});
  s->put({"stage", "", "x", "another kind"});
  s->put({"restapi", "", "X", "upper case id"});
  s->put({"restapi", "", "x ", "trailing space"});
  EXPECT_EQ(s->get("restapi", "", "x")->body, "root scope");
  EXPECT_EQ(s->get("restapi", "x", "x")->body, "scope x");
  EXPECT_EQ(s->get("stage", "", "x")->body, "another kind");
  EXPECT_EQ(s->get("restapi", "", "X")->body, "upper case id");
  EXPECT_EQ(s->get("restapi", "", "x ")->body, "trailing space");
  auto roots = s->list("restapi", "");
  ASSERT_EQ(roots.size(), 3u);
  EXPECT_EQ(roots[0].body, "root scope");
  EXPECT_EQ(roots[1].body, "upper case id");
  EXPECT_EQ(roots[2].body, "trailing space");
}

TEST_F(SqliteStoreTest, BodiesRoundTripByteForByte) {
  auto s = makeSqliteStore(dir / "db");
  const std::string unicode =
      "{\"name\":\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xbe\",\"q\":\"it's \\\"quoted\\\"\\n\"}";
  const std::string sqlish = "'); DROP TABLE documents; --";
  std::string large(1 << 20, 'x');
  for (std::size_t i = 0; i < large.size(); i += 4096) large[i] = static_cast<char>('a' + (i / 4096) % 26);
  s->put({"doc", "", "unicode", unicode});
  s->put({"doc", "", "sql", sqlish});
  s->put({"doc", "", "large", large});
  s->put({"doc", "", "empty", ""});
  s->put({"doc", "'quoted scope'", "id with / and %", "{}"});
  EXPECT_EQ(s->get("doc", "", "unicode")->body, unicode);
  EXPECT_EQ(s->get("doc", "", "sql")->body, sqlish);
  EXPECT_EQ(s->get("doc", "", "large")->body, large);
  auto empty = s->get("doc", "", "empty");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, "");
  EXPECT_EQ(s->get("doc", "'quoted scope'", "id with / and %")->body, "{}");
  EXPECT_EQ(s->list("doc", "").size(), 4u) << "the table survived";
}

TEST_F(SqliteStoreTest, SurvivesReopen) {
  std::int64_t lastSeq = 0;
  {
    auto s = makeSqliteStore(dir / "db");
    s->put({"restapi", "", "x", R"({"name":"first"})"});
    s->put({"restapi", "", "y", R"({"name":"second"})"});
    s->put({"restapi", "", "x", R"({"name":"first, renamed"})"});
    lastSeq = s->get("restapi", "", "y")->seq;
  }
  auto s = makeSqliteStore(dir / "db");
  auto x = s->get("restapi", "", "x");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->body, R"({"name":"first, renamed"})");
  s->put({"restapi", "", "z", R"({"name":"after reopen"})"});
  auto list = s->list("restapi", "");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, "x");
  EXPECT_EQ(list[0].body, R"({"name":"first, renamed"})");
  EXPECT_EQ(list[1].id, "y");
  EXPECT_EQ(list[1].body, R"({"name":"second"})");
  EXPECT_EQ(list[2].id, "z") << "insertion order continues across a reopen";
  EXPECT_EQ(list[2].body, R"({"name":"after reopen"})");
  EXPECT_GT(list[2].seq, lastSeq);
}

TEST_F(SqliteStoreTest, RemoveAndRemoveScope) {
  auto s = makeSqliteStore(dir / "db");
  s->put({"resource", "api1", "a", R"({"r":"a"})"});
  s->put({"resource", "api1", "b", R"({"r":"b"})"});
  s->put({"stage", "api1", "dev", R"({"s":"api1"})"});
  s->put({"stage", "api2", "dev", R"({"s":"api2"})"});
  s->put({"restapi", "", "api1", R"({"id":"api1"})"});
  EXPECT_TRUE(s->remove("resource", "api1", "a"));
  EXPECT_FALSE(s->remove("resource", "api1", "a"));
  EXPECT_FALSE(s->get("resource", "api1", "a"));
  auto left = s->list("resource", "api1");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "b");
  EXPECT_EQ(left[0].body, R"({"r":"b"})");
  EXPECT_EQ(s->removeScope("api1"), 2u) << "every kind in the scope";
  EXPECT_TRUE(s->list("resource", "api1").empty());
  EXPECT_TRUE(s->list("stage", "api1").empty());
  auto kept = s->get("stage", "api2", "dev");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->body, R"({"s":"api2"})");
  auto api = s->get("restapi", "", "api1");
  ASSERT_TRUE(api) << "a document whose id is the scope's name is in another scope";
  EXPECT_EQ(api->body, R"({"id":"api1"})");
  EXPECT_EQ(s->removeScope("api1"), 0u);
  // A removed id can be put again; it goes to the end.
  s->put({"stage", "api2", "prod", "{}"});
  EXPECT_TRUE(s->remove("stage", "api2", "dev"));
  s->put({"stage", "api2", "dev", R"({"s":"again"})"});
  auto stages = s->list("stage", "api2");
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].id, "prod");
  EXPECT_EQ(stages[1].id, "dev");
  EXPECT_EQ(stages[1].body, R"({"s":"again"})");
}

TEST_F(SqliteStoreTest, TransactionRollsBackOnException) {
  auto s = makeSqliteStore(dir / "db");
  s->put({"restapi", "", "kept", R"({"v":1})"});
  EXPECT_THROW(s->transaction([&] {
    s->put({"restapi", "", "x", "{}"});
    s->put({"restapi", "", "kept", R"({"v":2})"});
    EXPECT_EQ(s->get("restapi", "", "kept")->body, R"({"v":2})") << "a transaction reads its own writes";
    EXPECT_TRUE(s->remove("restapi", "", "kept"));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(s->get("restapi", "", "x"));
  auto kept = s->get("restapi", "", "kept");
  ASSERT_TRUE(kept) << "the removal was rolled back";
  EXPECT_EQ(kept->body, R"({"v":1})") << "so was the replacement";
  s->transaction([&] {
    s->put({"restapi", "", "y", R"({"v":"y"})"});
    s->put({"restapi", "", "kept", R"({"v":3})"});
  });
  EXPECT_EQ(s->get("restapi", "", "y")->body, R"({"v":"y"})");
  EXPECT_EQ(s->get("restapi", "", "kept")->body, R"({"v":3})");
}

TEST_F(SqliteStoreTest, NestedTransactionsJoinTheOuterOne) {
  auto s = makeSqliteStore(dir / "db");
  EXPECT_THROW(s->transaction([&] {
    s->transaction([&] { s->put({"restapi", "", "inner", "{}"}); });
    s->put({"restapi", "", "outer", "{}"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(s->get("restapi", "", "inner")) << "the inner transaction's write went with the outer one";
  EXPECT_FALSE(s->get("restapi", "", "outer"));
  s->transaction([&] {
    s->transaction([&] { s->put({"restapi", "", "inner", R"({"n":1})"}); });
    s->put({"restapi", "", "outer", R"({"n":2})"});
  });
  EXPECT_EQ(s->get("restapi", "", "inner")->body, R"({"n":1})");
  EXPECT_EQ(s->get("restapi", "", "outer")->body, R"({"n":2})");
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

namespace portico::store {
namespace {

TEST_F(SqliteStoreTest, TheFilesAreReadableByTheOwnerOnly) {
  auto s = makeSqliteStore(dir / "db");
  s->put({"clientcertificate", "", "abc123", R"({"privateKeyPem":"secret"})"});
  for (const char* name : {"db", "db-wal", "db-shm"}) {
    if (!std::filesystem::exists(dir / name)) continue;
    auto perms = std::filesystem::status(dir / name).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << name;
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "db"));
}

}  // namespace
}  // namespace portico::store
