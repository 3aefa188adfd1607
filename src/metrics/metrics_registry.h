// MetricsRegistry: every series Portico counts, found or created by family and labels, and
// for each the minute points of the last 24 hours (what CloudWatch's GetMetricStatistics and
// GetMetricData read). It is a prometheus::Collectable: /metrics serializes what Collect()
// gives with prometheus-cpp's text serializer (prometheus_text.h).
//
// Owned by main, shared by the gateway (series bound into compiled methods at deploy time),
// the functions runtime (looked up per invocation, under a shared lock) and the control plane.
// Counting itself never locks (metric_series.h).
#pragma once
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "metrics/metric_series.h"
#include "metrics/minute_point.h"

namespace portico::metrics {

class MetricsRegistry final : public prometheus::Collectable {
 public:
  static constexpr std::int64_t kHistoryMinutes = 24 * 60;

  /// `maxSeries` bounds the series kept (a series asked for beyond it is not counted).
  explicit MetricsRegistry(const Clock& clock, std::size_t maxSeries = 50000);

  /// The series of `family` (one of families.h) with these label values, created on first use;
  /// null when the registry is full (counted in dropped()).
  std::shared_ptr<MetricSeries> series(const FamilySchema& family, std::vector<std::string> labels);

  /// Folds what each series counted since the last roll into the current minute's point, and
  /// forgets points older than 24 hours and series nobody holds that have none left.
  void roll();

  /// Every series of `family` with its minute points as of the last roll, under the registry's
  /// shared lock (a reader that wants what was counted just now rolls first, once).
  void visit(const FamilySchema& family,
             const std::function<void(const MetricSeries&, const std::deque<MinutePoint>&)>& visitor) const;

  /// Gauges read at scrape time (concurrency, queue depth): each appends its families.
  void addGauges(std::function<void(std::vector<prometheus::MetricFamily>&)> gauges);

  std::vector<prometheus::MetricFamily> Collect() const override;

  std::size_t size() const;
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::shared_ptr<MetricSeries> series;
    SeriesReading last;  // at the previous roll
    std::deque<MinutePoint> points;
  };
  void rollLocked(std::int64_t minute);

  const Clock& clock_;
  const std::size_t maxSeries_;
  mutable std::shared_mutex mu_;  // guards entries_ (shared: lookups; exclusive: inserts, rolls)
  std::map<std::string, Entry> entries_;
  mutable std::mutex gaugesMu_;
  std::vector<std::function<void(std::vector<prometheus::MetricFamily>&)>> gauges_;
  std::atomic<std::uint64_t> dropped_ = 0;
};

}  // namespace portico::metrics
