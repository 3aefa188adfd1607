#include "functions/function_catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <random>

namespace portico::functions {
namespace {

FunctionCatalog::Roll rollsOf(std::mt19937_64& rng) {
  return [&rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };
}

class FunctionCatalogTest : public ::testing::Test {
 protected:
  FunctionCatalogTest()
      : path_(std::filesystem::temp_directory_path() / ("portico-catalog-" + std::to_string(::getpid()) + ".db")),
        store_(store::makeSqliteStore(path_)),
        catalog_(*store_, "us-east-1", "000000000000") {}
  ~FunctionCatalogTest() override {
    store_.reset();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  std::filesystem::path path_;
  std::unique_ptr<store::Store> store_;
  FunctionCatalog catalog_;
};

TEST_F(FunctionCatalogTest, ParsesEveryFormLambdaAccepts) {
  auto r = catalog_.parseRef("hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "hello");
  EXPECT_EQ(r->qualifier, "");
  r = catalog_.parseRef("hello:live");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->qualifier, "live");
  r = catalog_.parseRef("arn:aws:lambda:us-east-1:000000000000:function:hello:7");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "hello");
  EXPECT_EQ(r->qualifier, "7");
  r = catalog_.parseRef("000000000000:function:hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "hello");
  r = catalog_.parseRef("hello", "$LATEST");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->qualifier, "$LATEST");
}

TEST_F(FunctionCatalogTest, RefusesBadNamesAndConflictingQualifiers) {
  EXPECT_EQ(catalog_.parseRef("bad name").error().type, "ValidationException");
  EXPECT_EQ(catalog_.parseRef("").error().type, "ValidationException");
  EXPECT_EQ(catalog_.parseRef(std::string(65, 'a')).error().type, "ValidationException");
  auto r = catalog_.parseRef("hello:live", "other");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, "InvalidParameterValueException");
}

TEST_F(FunctionCatalogTest, ResolvesLatestVersionsAndAliases) {
  store_->put({"function", "", "hello",
               R"({"config":{"Version":"$LATEST","Runtime":"python3.12","Handler":"app.handler","MemorySize":256,)"
               R"("Timeout":9,"RevisionId":"r0","Environment":{"Variables":{"A":"1"}}},"codeHex":"aa","reserved":3})",
               0});
  store_->put({"function_version", "fn:hello", "1",
               R"({"config":{"Version":"1","Runtime":"python3.12","Handler":"old.handler","RevisionId":"r1"},)"
               R"("codeHex":"bb"})",
               0});
  store_->put({"function_alias", "fn:hello", "live", R"({"Name":"live","FunctionVersion":"1"})", 0});
  std::mt19937_64 rng(1);
  auto dice = rollsOf(rng);
  auto latest = catalog_.resolve(*catalog_.parseRef("hello"), dice);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->version, "$LATEST");
  EXPECT_EQ(latest->memoryMb, 256);
  EXPECT_EQ(latest->timeoutSeconds, 9);
  EXPECT_EQ(latest->environment.at("A"), "1");
  EXPECT_EQ(latest->reservedConcurrency, 3);
  EXPECT_EQ(latest->invokedArn, "arn:aws:lambda:us-east-1:000000000000:function:hello");
  auto viaAlias = catalog_.resolve(*catalog_.parseRef("hello:live"), dice);
  ASSERT_TRUE(viaAlias);
  EXPECT_EQ(viaAlias->version, "1");
  EXPECT_EQ(viaAlias->handler, "old.handler");
  EXPECT_EQ(viaAlias->codeHex, "bb");
  EXPECT_EQ(viaAlias->invokedArn, "arn:aws:lambda:us-east-1:000000000000:function:hello:live");
  auto missing = catalog_.resolve(*catalog_.parseRef("hello:9"), dice);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_EQ(missing.error().message, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:hello:9");
}

// Writes the function document behind the store's back (another connection to its file), as a
// way to see whether resolve() reads the store or its cache.
void writeBehindTheStore(const std::filesystem::path& db, const std::string& body) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "UPDATE documents SET body = ?1 WHERE kind = 'function' AND id = 'hello'", -1, &st,
                               nullptr),
            SQLITE_OK);
  sqlite3_bind_text(st, 1, body.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST_F(FunctionCatalogTest, KeepsAResolutionUntilTheCatalogIsWritten) {
  auto config = [](std::string handler, std::string revision) {
    return R"({"config":{"Version":"$LATEST","Runtime":"python3.12","Handler":")" + handler + R"(","RevisionId":")" +
           revision + R"("},"codeHex":"aa"})";
  };
  store_->put({"function", "", "hello", config("a.handler", "r0"), 0});
  std::mt19937_64 rng(1);
  auto dice = rollsOf(rng);
  auto ref = *catalog_.parseRef("hello");
  EXPECT_EQ(catalog_.resolve(ref, dice)->handler, "a.handler");

  writeBehindTheStore(path_, config("b.handler", "r1"));
  EXPECT_EQ(catalog_.resolve(ref, dice)->handler, "a.handler") << "the second resolve reads the cache";
  store_->put({"other", "", "x", "{}", 0});  // another kind: the cache may stay
  store_->put({"function", "", "hello", config("c.handler", "r2"), 0});
  EXPECT_EQ(catalog_.resolve(ref, dice)->handler, "c.handler") << "a write through the store is seen at once";

  // Versions and aliases are cached with their own reference and dropped with their writes.
  store_->put({"function_version", "fn:hello", "1",
               R"({"config":{"Version":"1","Handler":"v1.handler","RevisionId":"r1"},"codeHex":"bb"})", 0});
  store_->put({"function_alias", "fn:hello", "live", R"({"Name":"live","FunctionVersion":"1"})", 0});
  auto live = *catalog_.parseRef("hello:live");
  EXPECT_EQ(catalog_.resolve(live, dice)->handler, "v1.handler");
  store_->put({"function_version", "fn:hello", "2",
               R"({"config":{"Version":"2","Handler":"v2.handler","RevisionId":"r2"},"codeHex":"cc"})", 0});
  store_->put({"function_alias", "fn:hello", "live", R"({"Name":"live","FunctionVersion":"2"})", 0});
  EXPECT_EQ(catalog_.resolve(live, dice)->handler, "v2.handler");
  EXPECT_EQ(catalog_.resolve(ref, dice)->handler, "c.handler");
  EXPECT_TRUE(store_->remove("function", "", "hello"));
  EXPECT_FALSE(catalog_.resolve(ref, dice));
}

TEST_F(FunctionCatalogTest, RollsAWeightedAliasEveryTime) {
  store_->put({"function", "", "hello", R"({"config":{"Version":"$LATEST","RevisionId":"r0"},"codeHex":"aa"})", 0});
  for (auto v : {"1", "2"}) {
    store_->put({"function_version", "fn:hello", v,
                 std::string(R"({"config":{"Version":")") + v + R"(","RevisionId":"r"},"codeHex":"bb"})", 0});
  }
  store_->put({"function_alias", "fn:hello", "live",
               R"({"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.5}}})", 0});
  std::mt19937_64 rng(7);
  auto dice = rollsOf(rng);
  auto live = *catalog_.parseRef("hello:live");
  std::map<std::string, int> seen;
  for (int i = 0; i < 200; ++i) ++seen[catalog_.resolve(live, dice)->version];
  EXPECT_GT(seen["1"], 50);
  EXPECT_GT(seen["2"], 50);
}

}  // namespace
}  // namespace portico::functions
