#include "gateway/token_bucket.h"

#include <algorithm>

namespace portico::gateway {
namespace {

// The bucket's whole span (burst × one token's interval) stays below this, so that neither the
// tolerance nor a theoretical arrival time (now + tolerance + interval) overflows an int64 of
// nanoseconds: a rate too low for it (0, "blocked") gets one token per kMaxSpanNs / burst.
constexpr double kMaxSpanNs = 4e18;

}  // namespace

TokenBucket::TokenBucket(double rate, double burst)
    : rate_(std::max(rate, 1e-9)),
      burst_(std::max(burst, 1.0)),
      intervalNs_(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::min(1e9 / rate_, kMaxSpanNs / burst_)))),
      toleranceNs_(static_cast<std::int64_t>(std::min((burst_ - 1.0) * static_cast<double>(intervalNs_), kMaxSpanNs))) {
}

bool TokenBucket::tryTake(Clock::time_point now) const {
  const std::int64_t t = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::int64_t tat = tat_.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t start = std::max(tat, t);
    if (start - t > toleranceNs_) return false;  // taking one more would overdraw the burst
    if (tat_.compare_exchange_weak(tat, start + intervalNs_, std::memory_order_relaxed)) return true;
  }
}

}  // namespace portico::gateway
