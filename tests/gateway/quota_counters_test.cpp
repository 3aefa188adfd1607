#include "gateway/quota_counters.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

namespace portico::gateway {
namespace {

using namespace std::chrono_literals;

class QuotaCountersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("portico-quota-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = store::makeSqliteStore(dir_ / "q.db");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

// 2026-11-26 12:00:00 UTC, a Thursday.
const auto kThursday = std::chrono::system_clock::time_point(std::chrono::seconds(1795694400));

TEST_F(QuotaCountersTest, ExactUnderConcurrencyAndKeptAcrossInstances) {
  Quota quota{50, "DAY", 0};
  {
    QuotaCounters counters(*store_);
    std::atomic<int> admitted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&] {
        for (int j = 0; j < 20; ++j) {
          if (counters.tryConsume("plan", "key", quota, kThursday)) ++admitted;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(admitted.load(), 50);
    counters.flush();
  }
  QuotaCounters restarted(*store_);
  EXPECT_FALSE(restarted.tryConsume("plan", "key", quota, kThursday));
  EXPECT_TRUE(restarted.tryConsume("plan", "key", quota, kThursday + 24h));  // a new day
  EXPECT_EQ(restarted.daily("plan", "key").at(QuotaCounters::dayOf(kThursday)), 50);
  EXPECT_TRUE(restarted.tryConsume("plan", "other", quota, kThursday));  // counted per key
}

TEST_F(QuotaCountersTest, PeriodsAndOffsets) {
  EXPECT_EQ(QuotaCounters::dayOf(kThursday), "2026-11-26");
  EXPECT_EQ(QuotaCounters::periodStart({1, "DAY", 0}, "2026-11-26"), "2026-11-26");
  EXPECT_EQ(QuotaCounters::periodStart({1, "WEEK", 0}, "2026-11-26"), "2026-11-22");  // Sunday
  EXPECT_EQ(QuotaCounters::periodStart({1, "WEEK", 1}, "2026-11-26"), "2026-11-23");  // Monday
  EXPECT_EQ(QuotaCounters::periodStart({1, "WEEK", 4}, "2026-11-26"), "2026-11-26");  // Thursday itself
  EXPECT_EQ(QuotaCounters::periodStart({1, "MONTH", 0}, "2026-11-26"), "2026-11-01");
  EXPECT_EQ(QuotaCounters::periodStart({1, "MONTH", 27}, "2026-11-26"), "2026-10-28");
  EXPECT_EQ(QuotaCounters::periodStart({1, "MONTH", 0}, "2027-01-01"), "2027-01-01");

  QuotaCounters counters(*store_);
  Quota weekly{3, "WEEK", 0};
  EXPECT_TRUE(counters.tryConsume("p", "k", weekly, kThursday - 48h));  // Tuesday
  EXPECT_TRUE(counters.tryConsume("p", "k", weekly, kThursday));
  EXPECT_TRUE(counters.tryConsume("p", "k", weekly, kThursday + 24h));
  EXPECT_FALSE(counters.tryConsume("p", "k", weekly, kThursday + 48h));  // Saturday: still the same week
  EXPECT_TRUE(counters.tryConsume("p", "k", weekly, kThursday + 72h));   // Sunday: a new week
}

}  // namespace
}  // namespace portico::gateway

namespace portico::gateway {
namespace {

// UpdateUsage: what is left of the period becomes what was asked, an extension above the limit
// included, and stays so across a restart once flushed.
TEST_F(QuotaCountersTest, SetRemainingExtendsOrEndsThePeriod) {
  Quota quota{3, "WEEK", 0};
  {
    QuotaCounters counters(*store_);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(counters.tryConsume("plan", "key", quota, kThursday));
    EXPECT_FALSE(counters.tryConsume("plan", "key", quota, kThursday));
    EXPECT_EQ(counters.setRemaining("plan", "key", quota, 5, kThursday), -2);  // 5 left of a limit of 3
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(counters.tryConsume("plan", "key", quota, kThursday)) << i;
    EXPECT_FALSE(counters.tryConsume("plan", "key", quota, kThursday));
    counters.setRemaining("plan", "key", quota, 1, kThursday);
    counters.flush();
  }
  QuotaCounters restarted(*store_);
  EXPECT_TRUE(restarted.tryConsume("plan", "key", quota, kThursday));
  EXPECT_FALSE(restarted.tryConsume("plan", "key", quota, kThursday));
  restarted.setRemaining("plan", "key", quota, 0, kThursday);
  EXPECT_FALSE(restarted.tryConsume("plan", "key", quota, kThursday));
}

}  // namespace
}  // namespace portico::gateway
