#include "gateway/token_bucket.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace portico::gateway {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, BurstThenRate) {
  TokenBucket bucket(10, 3);  // 10/s, burst 3
  auto t = TokenBucket::Clock::time_point(100s);
  EXPECT_TRUE(bucket.tryTake(t));
  EXPECT_TRUE(bucket.tryTake(t));
  EXPECT_TRUE(bucket.tryTake(t));
  EXPECT_FALSE(bucket.tryTake(t));
  EXPECT_FALSE(bucket.tryTake(t + 50ms));
  EXPECT_TRUE(bucket.tryTake(t + 100ms));  // one token back after 1/rate
  EXPECT_FALSE(bucket.tryTake(t + 100ms));
  EXPECT_TRUE(bucket.tryTake(t + 10s));  // refills up to the burst, not beyond
  EXPECT_TRUE(bucket.tryTake(t + 10s));
  EXPECT_TRUE(bucket.tryTake(t + 10s));
  EXPECT_FALSE(bucket.tryTake(t + 10s));
}

TEST(TokenBucket, ExactUnderContention) {
  TokenBucket bucket(1, 50);
  auto t = TokenBucket::Clock::time_point(5s);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 200; ++j) {
        if (bucket.tryTake(t)) ++admitted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 50);
}

}  // namespace
}  // namespace portico::gateway
