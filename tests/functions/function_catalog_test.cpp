#include "functions/function_catalog.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace portico::functions {
namespace {

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
  auto latest = catalog_.resolve(*catalog_.parseRef("hello"), rng);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->version, "$LATEST");
  EXPECT_EQ(latest->memoryMb, 256);
  EXPECT_EQ(latest->timeoutSeconds, 9);
  EXPECT_EQ(latest->environment.at("A"), "1");
  EXPECT_EQ(latest->reservedConcurrency, 3);
  EXPECT_EQ(latest->invokedArn, "arn:aws:lambda:us-east-1:000000000000:function:hello");
  auto viaAlias = catalog_.resolve(*catalog_.parseRef("hello:live"), rng);
  ASSERT_TRUE(viaAlias);
  EXPECT_EQ(viaAlias->version, "1");
  EXPECT_EQ(viaAlias->handler, "old.handler");
  EXPECT_EQ(viaAlias->codeHex, "bb");
  EXPECT_EQ(viaAlias->invokedArn, "arn:aws:lambda:us-east-1:000000000000:function:hello:live");
  auto missing = catalog_.resolve(*catalog_.parseRef("hello:9"), rng);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 404);
  EXPECT_EQ(missing.error().message, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:hello:9");
}

}  // namespace
}  // namespace portico::functions
