#include "auth/user_pool_keys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "auth/jws_test_support.h"

namespace portico::auth {
namespace {

using namespace std::chrono_literals;
using testing::jwks;
using testing::rsaJwk;

class UserPoolKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("portico-user-pools-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    key_ = testing::generateRsa(2048);
    keys_ = jwks({rsaJwk(key_.get(), "k1")});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& pool, const std::string& text) {
    std::ofstream(dir_ / (pool + ".json")) << text;
    // A new mtime even within the file system's timestamp granularity.
    std::filesystem::last_write_time(dir_ / (pool + ".json"),
                                     std::filesystem::file_time_type::clock::now() + std::chrono::seconds(++writes_));
  }
  UserPoolKeys make(UserPoolKeys::Fetch fetch = nullptr) {
    if (!fetch) fetch = [](const std::string&) -> Result<std::string> { return ApiError::internal("no network"); };
    return UserPoolKeys(dir_, std::move(fetch), {std::chrono::seconds(600), std::chrono::seconds(30)});
  }
  std::filesystem::path dir_;
  EvpPkeyPtr key_;
  std::string keys_;
  int writes_ = 0;
};

TEST_F(UserPoolKeysTest, FileWithKeysAndClientIds) {
  write("us-east-1_A", keys_.substr(0, keys_.size() - 1) + R"(, "clientIds": ["app1", "app2"]})");
  auto pools = make();
  auto pool = pools.pool("us-east-1_A");
  ASSERT_TRUE(pool);
  EXPECT_NE(pool->keys->find("k1"), nullptr);
  EXPECT_EQ(pool->clientIds, (std::vector<std::string>{"app1", "app2"}));
  EXPECT_FALSE(pools.pool("us-east-1_Missing"));
  EXPECT_FALSE(pools.pool("../us-east-1_A"));
}

TEST_F(UserPoolKeysTest, ChangedFileIsReread) {
  write("p", keys_);
  auto pools = make();
  ASSERT_TRUE(pools.pool("p"));
  write("p", "{not json");
  EXPECT_FALSE(pools.pool("p"));
  write("p", jwks({rsaJwk(key_.get(), "k2")}));
  auto pool = pools.pool("p");
  ASSERT_TRUE(pool);
  EXPECT_EQ(pool->keys->find("k1"), nullptr);
  EXPECT_NE(pool->keys->find("k2"), nullptr);
}

TEST_F(UserPoolKeysTest, KeysFromAUrlAreFetchedRefreshedAndKeptOnFailure) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json", "clientIds": ["app"]})");
  int fetches = 0;
  bool up = true;
  std::string served = keys_;
  auto pools = make([&](const std::string& url) -> Result<std::string> {
    ++fetches;
    EXPECT_EQ(url, "http://127.0.0.1:9/jwks.json");
    if (!up) return ApiError{"FetchError", 502, "connection refused"};
    return served;
  });
  auto t0 = std::chrono::steady_clock::time_point(1000s);
  auto pool = pools.pool("p", t0);
  ASSERT_TRUE(pool);
  EXPECT_NE(pool->keys->find("k1"), nullptr);
  EXPECT_EQ(pool->clientIds, std::vector<std::string>{"app"});
  ASSERT_TRUE(pools.pool("p", t0 + 599s));
  EXPECT_EQ(fetches, 1) << "cached until the refresh interval";
  served = jwks({rsaJwk(key_.get(), "k2")});
  pool = pools.pool("p", t0 + 600s);
  EXPECT_EQ(fetches, 2);
  EXPECT_NE(pool->keys->find("k2"), nullptr);
  up = false;
  pool = pools.pool("p", t0 + 1200s);
  EXPECT_EQ(fetches, 3);
  ASSERT_TRUE(pool) << "a failed refresh keeps the last keys";
  EXPECT_NE(pool->keys->find("k2"), nullptr);
  pools.pool("p", t0 + 1210s);
  EXPECT_EQ(fetches, 3) << "retried only after the retry interval";
  pools.pool("p", t0 + 1230s);
  EXPECT_EQ(fetches, 4);
}

TEST_F(UserPoolKeysTest, UrlThatNeverAnsweredHasNoKeys) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  auto pools = make();
  EXPECT_FALSE(pools.pool("p"));
}

}  // namespace
}  // namespace portico::auth
