// MetricSeries: one labelled series of a family (one method of a stage, one function version):
// its counters and distributions, sharded per thread so that counting takes no lock and shares
// no cache line between worker loops; read() merges the shards (a scrape, a minute's roll).
// Bound into the gateway's compiled methods at deploy time and looked up per invocation for
// Lambda (metrics_registry.h).
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "metrics/metric_schema.h"

namespace portico::metrics {

inline constexpr unsigned kShards = 8;

/// A distribution's totals: per bucket (the last is +Inf) and the sum, in recorded units.
struct HistogramReading {
  std::vector<std::uint64_t> buckets;
  std::uint64_t sum = 0;
  std::uint64_t count() const;
};

/// A series' totals since it was created.
struct SeriesReading {
  std::vector<std::uint64_t> counters;
  std::vector<HistogramReading> histograms;
};

/// The smallest and largest value a distribution saw in an interval (min > max: none).
struct Extremes {
  std::uint64_t min = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max = 0;
};

class MetricSeries {
 public:
  /// `family` is borrowed (families.h: for the process's life); labels in the family's order.
  MetricSeries(const FamilySchema& family, std::vector<std::string> labels);

  /// Counts n of counter `counter` (its index in the family). Lock-free; any thread.
  void add(unsigned counter, std::uint64_t n = 1) noexcept;
  /// Records one value (recorded units) of distribution `histogram`. Lock-free; any thread.
  void observe(unsigned histogram, std::uint64_t value) noexcept;

  SeriesReading read() const;
  /// Each distribution's extremes since the previous call, which starts a new interval.
  std::vector<Extremes> takeExtremes();

  const FamilySchema& family() const { return family_; }
  const std::vector<std::string>& labels() const { return labels_; }
  /// Detailed metrics (API Gateway's metricsEnabled): whether its detailed-only dimension sets
  /// answer. Set by the control plane when it publishes the stage.
  void setDetailed(bool on) { detailed_.store(on, std::memory_order_relaxed); }
  bool detailed() const { return detailed_.load(std::memory_order_relaxed); }

 private:
  struct alignas(64) Line {
    std::atomic<std::uint64_t> v[8];
  };
  std::atomic<std::uint64_t>& slot(unsigned shard, std::size_t index) const {
    return lines_[shard * strideLines_ + index / 8].v[index % 8];
  }
  std::size_t histogramBase(unsigned h) const { return histogramBase_[h]; }

  const FamilySchema& family_;
  std::vector<std::string> labels_;
  std::vector<std::size_t> histogramBase_;  // per distribution: its buckets, then sum, min, max
  std::size_t strideLines_ = 0;             // lines per shard
  std::unique_ptr<Line[]> lines_;
  std::atomic<bool> detailed_ = true;
};

/// This thread's shard (threads take shards in turn).
unsigned shardOfThisThread() noexcept;

}  // namespace portico::metrics
