#include "auth/user_pool_keys.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <deque>
#include <fstream>
#include <thread>

#include "auth/jws_test_support.h"

namespace portico::auth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::jwks;
using testing::rsaJwk;
using PoolPtr = std::shared_ptr<const UserPool>;

/// A fetch that answers only when the test says so: it records each URL asked for and keeps the
/// callback.
struct ManualFetch {
  std::deque<std::pair<std::string, UserPoolKeys::FetchDone>> pending;
  int started = 0;
  UserPoolKeys::Fetch function() {
    return [this](const std::string& url, UserPoolKeys::FetchDone done) {
      ++started;
      pending.emplace_back(url, std::move(done));
    };
  }
  /// Answers the oldest fetch still pending.
  void answer(Result<std::string> body) {
    ASSERT_FALSE(pending.empty()) << "no fetch pending";
    auto done = std::move(pending.front().second);
    pending.pop_front();
    done(std::move(body));
  }
};

Result<std::string> refused() {
  return ApiError{"FetchError", 502, "connection refused"};
}

class UserPoolKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("portico-user-pools-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    key_ = testing::generateRsa(2048);
    keys_ = jwks({rsaJwk(key_.get(), "k1")});
    keys2_ = jwks({rsaJwk(key_.get(), "k2")});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& pool, const std::string& text) {
    std::ofstream(dir_ / (pool + ".json")) << text;
    // A new mtime even within the file system's timestamp granularity.
    std::filesystem::last_write_time(dir_ / (pool + ".json"),
                                     std::filesystem::file_time_type::clock::now() + std::chrono::seconds(++writes_));
  }
  UserPoolKeys make(UserPoolKeys::Fetch fetch = nullptr, std::chrono::milliseconds firstFetchWait = 5000ms) {
    if (!fetch) fetch = [](const std::string&, UserPoolKeys::FetchDone done) { done(refused()); };
    return UserPoolKeys(dir_, std::move(fetch), {600s, 30s, 1000ms, firstFetchWait});
  }
  /// Keys whose fetches answer when the test says so (fetch_).
  UserPoolKeys manual(std::chrono::milliseconds firstFetchWait = 5000ms) {
    return make(fetch_.function(), firstFetchWait);
  }
  static bool has(const PoolPtr& pool, const char* kid) { return pool && pool->keys->find(kid) != nullptr; }

  /// Runs pools.pool(id, now) on loop as a coroutine; the result lands in `out` when it ends.
  static void spawnPool(asio::io_context& loop, const UserPoolKeys& pools, const std::string& id,
                        UserPoolKeys::Clock::time_point now, std::optional<PoolPtr>& out) {
    asio::co_spawn(
        loop,
        [&pools, id, now, &out]() -> asio::awaitable<void> {
          PoolPtr got = co_await pools.pool(id, now);
          out = std::move(got);
        },
        asio::detached);
  }

  ManualFetch fetch_;  // outlives every UserPoolKeys of the test
  std::filesystem::path dir_;
  EvpPkeyPtr key_;
  std::string keys_, keys2_;
  int writes_ = 0;
  const UserPoolKeys::Clock::time_point t0_ = UserPoolKeys::Clock::time_point(1000s);
};

TEST_F(UserPoolKeysTest, FileWithKeysAndClientIds) {
  write("us-east-1_A", keys_.substr(0, keys_.size() - 1) + R"(, "clientIds": ["app1", "app2"]})");
  auto pools = make();
  auto pool = pools.current("us-east-1_A");
  ASSERT_TRUE(pool);
  EXPECT_NE(pool->keys->find("k1"), nullptr);
  EXPECT_EQ(pool->clientIds, (std::vector<std::string>{"app1", "app2"}));
  EXPECT_FALSE(pools.current("us-east-1_Missing"));
  EXPECT_FALSE(pools.current("../us-east-1_A"));
}

TEST_F(UserPoolKeysTest, ChangedFileIsRereadAtTheNextLook) {
  write("p", keys_);
  auto pools = make();
  ASSERT_TRUE(has(pools.current("p", t0_), "k1"));
  write("p", "{not json");
  EXPECT_TRUE(has(pools.current("p", t0_ + 500ms), "k1")) << "the file is looked at once a second at most";
  EXPECT_FALSE(pools.current("p", t0_ + 1000ms));
  write("p", keys2_);
  EXPECT_FALSE(pools.current("p", t0_ + 1500ms));
  auto pool = pools.current("p", t0_ + 2000ms);
  ASSERT_TRUE(pool);
  EXPECT_EQ(pool->keys->find("k1"), nullptr);
  EXPECT_NE(pool->keys->find("k2"), nullptr);
}

TEST_F(UserPoolKeysTest, RemovedFileMeansNoKeys) {
  write("p", keys_);
  auto pools = make();
  ASSERT_TRUE(pools.current("p", t0_));
  std::filesystem::remove(dir_ / "p.json");
  EXPECT_TRUE(pools.current("p", t0_ + 999ms)) << "not looked at yet";
  EXPECT_FALSE(pools.current("p", t0_ + 1000ms));
  write("p", keys2_);
  EXPECT_TRUE(has(pools.current("p", t0_ + 2000ms), "k2"));
}

TEST_F(UserPoolKeysTest, SnapshotsAreNotChangedByLaterKeys) {
  write("p", keys_);
  auto pools = make();
  PoolPtr before = pools.current("p", t0_);
  write("p", keys2_);
  PoolPtr after = pools.current("p", t0_ + 1s);
  ASSERT_TRUE(has(before, "k1"));
  EXPECT_FALSE(has(before, "k2")) << "what a request holds stays as it was";
  EXPECT_TRUE(has(after, "k2"));
}

TEST_F(UserPoolKeysTest, UrlKeysRefreshInTheBackgroundServingTheLastGoodOnes) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json", "clientIds": ["app"]})");
  auto pools = manual();
  EXPECT_FALSE(pools.current("p", t0_)) << "no keys until the first fetch answers";
  ASSERT_EQ(fetch_.started, 1);
  EXPECT_EQ(fetch_.pending.front().first, "http://127.0.0.1:9/jwks.json");
  EXPECT_FALSE(pools.current("p", t0_ + 1s));
  EXPECT_EQ(fetch_.started, 1) << "one fetch at a time";
  fetch_.answer(keys_);
  auto pool = pools.current("p", t0_ + 2s);
  ASSERT_TRUE(has(pool, "k1"));
  EXPECT_EQ(pool->clientIds, std::vector<std::string>{"app"});
  EXPECT_TRUE(has(pools.current("p", t0_ + 599s), "k1"));
  EXPECT_EQ(fetch_.started, 1) << "cached until the refresh interval";

  // Due: the last good keys come back at once while the refresh is under way.
  EXPECT_TRUE(has(pools.current("p", t0_ + 600s), "k1"));
  EXPECT_EQ(fetch_.started, 2);
  EXPECT_TRUE(has(pools.current("p", t0_ + 601s), "k1"));
  EXPECT_EQ(fetch_.started, 2) << "one fetch at a time";
  fetch_.answer(keys2_);
  EXPECT_TRUE(has(pools.current("p", t0_ + 602s), "k2"));

  // A failed refresh keeps the last keys, and is retried after the retry interval.
  EXPECT_TRUE(has(pools.current("p", t0_ + 1200s), "k2"));
  EXPECT_EQ(fetch_.started, 3);
  fetch_.answer(refused());
  EXPECT_TRUE(has(pools.current("p", t0_ + 1210s), "k2")) << "a failed refresh keeps the last keys";
  EXPECT_EQ(fetch_.started, 3) << "retried only after the retry interval";
  pools.current("p", t0_ + 1230s);
  EXPECT_EQ(fetch_.started, 4);
}

TEST_F(UserPoolKeysTest, AFetchThatNeverAnswersIsGivenUpAfterTheRetryInterval) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  auto pools = manual();
  pools.current("p", t0_);
  pools.current("p", t0_ + 29s);
  EXPECT_EQ(fetch_.started, 1);
  pools.current("p", t0_ + 30s);
  EXPECT_EQ(fetch_.started, 2);
  fetch_.answer(keys_);  // the one given up: its answer no longer counts
  EXPECT_FALSE(pools.current("p", t0_ + 31s));
  fetch_.answer(keys2_);
  EXPECT_TRUE(has(pools.current("p", t0_ + 32s), "k2"));
}

TEST_F(UserPoolKeysTest, AFetchThatAnswersAtOnceServesTheSameRequest) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  int fetches = 0;
  auto pools = make([&](const std::string&, UserPoolKeys::FetchDone done) {
    ++fetches;
    done(keys_);
  });
  EXPECT_TRUE(has(pools.current("p", t0_), "k1"));
  EXPECT_EQ(fetches, 1);
}

TEST_F(UserPoolKeysTest, UrlThatNeverAnsweredHasNoKeys) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  auto pools = make();
  EXPECT_FALSE(pools.current("p"));
}

TEST_F(UserPoolKeysTest, KeysInTheFileServeUntilTheUrlAnswers) {
  write("p", keys_.substr(0, keys_.size() - 1) + R"(, "jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  auto pools = manual();
  EXPECT_TRUE(has(pools.current("p", t0_), "k1"));
  EXPECT_EQ(fetch_.started, 1);
  fetch_.answer(keys2_);
  EXPECT_TRUE(has(pools.current("p", t0_ + 1s), "k2"));
}

TEST_F(UserPoolKeysTest, AnswerForAUrlTheFileNoLongerNamesIsIgnored) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/old.json"})");
  auto pools = manual();
  pools.current("p", t0_);
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/new.json"})");
  pools.current("p", t0_ + 1s);
  ASSERT_EQ(fetch_.started, 2) << "the new URL is fetched at once";
  EXPECT_EQ(fetch_.pending.back().first, "http://127.0.0.1:9/new.json");
  fetch_.answer(keys_);  // from old.json
  EXPECT_FALSE(pools.current("p", t0_ + 1500ms));
  fetch_.answer(keys2_);
  EXPECT_TRUE(has(pools.current("p", t0_ + 1600ms), "k2"));
}

TEST_F(UserPoolKeysTest, PoolWaitsForTheFirstKeysWithoutHoldingItsLoop) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  auto pools = manual();
  asio::io_context loop;
  std::optional<PoolPtr> first, second;
  spawnPool(loop, pools, "p", t0_, first);
  spawnPool(loop, pools, "p", t0_, second);
  bool otherWorkRan = false;
  asio::post(loop, [&] { otherWorkRan = true; });
  loop.poll();
  EXPECT_TRUE(otherWorkRan) << "the loop goes on while the requests wait";
  EXPECT_FALSE(first) << "waiting for the first fetch";
  EXPECT_FALSE(second);
  EXPECT_EQ(fetch_.started, 1) << "both wait for the same fetch";
  // The fetch answers on another thread, as an upstream pool's loop would.
  auto done = std::move(fetch_.pending.front().second);
  std::thread([&] { done(keys_); }).join();
  loop.restart();
  loop.run_for(2s);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_TRUE(has(*first, "k1"));
  EXPECT_TRUE(has(*second, "k1"));
}

TEST_F(UserPoolKeysTest, PoolWaitsAtMostFirstFetchWait) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  auto pools = manual(50ms);
  asio::io_context loop;
  std::optional<PoolPtr> got;
  auto started = std::chrono::steady_clock::now();
  spawnPool(loop, pools, "p", t0_, got);
  loop.run_for(2s);
  ASSERT_TRUE(got) << "gave up waiting";
  EXPECT_FALSE(*got);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(UserPoolKeysTest, PoolAnswersAtOnceWhenThereAreKeysOrTheFirstFetchFailed) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  write("q", R"({"jwksUrl": "http://127.0.0.1:9/q.json"})");
  auto pools = manual();
  pools.current("p", t0_);
  fetch_.answer(keys_);
  pools.current("q", t0_);
  fetch_.answer(refused());
  asio::io_context loop;
  std::optional<PoolPtr> stale, failed;
  spawnPool(loop, pools, "p", t0_ + 700s, stale);  // due: a refresh starts, the last keys serve
  spawnPool(loop, pools, "q", t0_ + 1s, failed);   // within the retry interval: nothing to wait for
  loop.poll();
  ASSERT_TRUE(stale) << "answered without waiting for the refresh";
  EXPECT_TRUE(has(*stale, "k1"));
  EXPECT_EQ(fetch_.pending.size(), 1u) << "the refresh is under way";
  ASSERT_TRUE(failed);
  EXPECT_FALSE(*failed);
}

TEST_F(UserPoolKeysTest, AnswerAfterTheKeysAreGoneIsHarmless) {
  write("p", R"({"jwksUrl": "http://127.0.0.1:9/jwks.json"})");
  {
    auto pools = manual();
    pools.current("p", t0_);
  }
  ASSERT_EQ(fetch_.pending.size(), 1u);
  fetch_.answer(keys_);
}

}  // namespace
}  // namespace portico::auth
