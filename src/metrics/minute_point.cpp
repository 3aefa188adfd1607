#include "metrics/minute_point.h"

#include <algorithm>

namespace portico::metrics {

MinutePoint MinutePoint::between(const SeriesReading& earlier, const SeriesReading& later, std::int64_t minute) {
  MinutePoint p;
  p.minute = minute;
  p.counters.resize(later.counters.size());
  for (std::size_t c = 0; c < later.counters.size(); ++c) {
    p.counters[c] = later.counters[c] - (c < earlier.counters.size() ? earlier.counters[c] : 0);
  }
  p.distributions.resize(later.histograms.size());
  for (std::size_t h = 0; h < later.histograms.size(); ++h) {
    const auto& now = later.histograms[h];
    const HistogramReading* before = h < earlier.histograms.size() ? &earlier.histograms[h] : nullptr;
    auto& d = p.distributions[h];
    d.buckets.resize(now.buckets.size());
    for (std::size_t b = 0; b < now.buckets.size(); ++b) {
      d.buckets[b] = now.buckets[b] - (before && b < before->buckets.size() ? before->buckets[b] : 0);
      d.count += d.buckets[b];
    }
    d.sum = now.sum - (before ? before->sum : 0);
  }
  return p;
}

bool MinutePoint::empty() const {
  for (auto c : counters) {
    if (c) return false;
  }
  for (const auto& d : distributions) {
    if (d.count) return false;
  }
  return true;
}

void MinutePoint::merge(const MinutePoint& other) {
  if (counters.size() < other.counters.size()) counters.resize(other.counters.size());
  for (std::size_t c = 0; c < other.counters.size(); ++c) counters[c] += other.counters[c];
  if (distributions.size() < other.distributions.size()) distributions.resize(other.distributions.size());
  for (std::size_t h = 0; h < other.distributions.size(); ++h) {
    auto& d = distributions[h];
    const auto& o = other.distributions[h];
    if (d.buckets.size() < o.buckets.size()) d.buckets.resize(o.buckets.size());
    for (std::size_t b = 0; b < o.buckets.size(); ++b) d.buckets[b] += o.buckets[b];
    d.count += o.count;
    d.sum += o.sum;
    d.extremes.min = std::min(d.extremes.min, o.extremes.min);
    d.extremes.max = std::max(d.extremes.max, o.extremes.max);
  }
}

}  // namespace portico::metrics
