// MinutePoint: what one series counted in one minute, the unit CloudWatch's statistics are
// computed from (statistics.h); kept by the registry for the last 24 hours.
#pragma once
#include <cstdint>
#include <vector>

#include "metrics/metric_series.h"

namespace portico::metrics {

struct MinutePoint {
  struct Distribution {
    std::vector<std::uint64_t> buckets;  // per bucket, +Inf last
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    Extremes extremes;
  };
  std::int64_t minute = 0;  // minutes since the epoch
  std::vector<std::uint64_t> counters;
  std::vector<Distribution> distributions;

  /// What `later` counted since `earlier` (both read off the same series), in `minute`.
  static MinutePoint between(const SeriesReading& earlier, const SeriesReading& later, std::int64_t minute);
  bool empty() const;
  /// Adds another point's counts (the same family) to this one's.
  void merge(const MinutePoint& other);
};

}  // namespace portico::metrics
