// TokenBucket: API Gateway's throttle (rateLimit requests/s refilling a bucket of
// burstLimit), as a lock-free GCRA: one atomic "theoretical arrival time". A request
// is admitted when it would not overdraw the burst; concurrent callers race on one
// compare-and-swap, so admission is exact under any number of threads.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace portico::gateway {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  /// rate: sustained requests per second (> 0); burst: bucket size (>= 1).
  TokenBucket(double rate, double burst);
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  /// Takes one token at `now`; false when the bucket is empty (→ 429).
  bool tryTake(Clock::time_point now = Clock::now()) const;

  double rate() const { return rate_; }
  double burst() const { return burst_; }

 private:
  double rate_;
  double burst_;
  std::int64_t intervalNs_;                   // one token's worth of time
  std::int64_t toleranceNs_;                  // (burst - 1) intervals
  mutable std::atomic<std::int64_t> tat_{0};  // theoretical arrival time (ns since the clock's epoch)
};

}  // namespace portico::gateway
