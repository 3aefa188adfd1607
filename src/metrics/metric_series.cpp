#include "metrics/metric_series.h"

#include <algorithm>

namespace portico::metrics {

std::uint64_t HistogramReading::count() const {
  std::uint64_t n = 0;
  for (auto b : buckets) n += b;
  return n;
}

unsigned shardOfThisThread() noexcept {
  static std::atomic<unsigned> next{0};
  thread_local const unsigned shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

MetricSeries::MetricSeries(const FamilySchema& family, std::vector<std::string> labels)
    : family_(family), labels_(std::move(labels)) {
  labels_.resize(family_.labels.size());
  std::size_t slots = family_.counters.size();
  for (const auto& h : family_.histograms) {
    histogramBase_.push_back(slots);
    slots += h.bounds.size() + 1 + 3;  // buckets with +Inf, sum, min, max
  }
  strideLines_ = (slots + 7) / 8;
  lines_ = std::make_unique<Line[]>(strideLines_ * kShards);
  for (unsigned s = 0; s < kShards; ++s) {
    for (std::size_t h = 0; h < family_.histograms.size(); ++h) {
      slot(s, histogramBase_[h] + family_.histograms[h].bounds.size() + 2)
          .store(std::numeric_limits<std::uint64_t>::max(), std::memory_order_relaxed);
    }
  }
}

void MetricSeries::add(unsigned counter, std::uint64_t n) noexcept {
  if (counter >= family_.counters.size()) return;
  slot(shardOfThisThread(), counter).fetch_add(n, std::memory_order_relaxed);
}

void MetricSeries::observe(unsigned histogram, std::uint64_t value) noexcept {
  if (histogram >= family_.histograms.size()) return;
  const auto& bounds = family_.histograms[histogram].bounds;
  const std::size_t bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
  const unsigned shard = shardOfThisThread();
  const std::size_t base = histogramBase(histogram);
  slot(shard, base + bucket).fetch_add(1, std::memory_order_relaxed);
  slot(shard, base + bounds.size() + 1).fetch_add(value, std::memory_order_relaxed);
  auto& min = slot(shard, base + bounds.size() + 2);
  for (auto cur = min.load(std::memory_order_relaxed);
       value < cur && !min.compare_exchange_weak(cur, value, std::memory_order_relaxed);) {
  }
  auto& max = slot(shard, base + bounds.size() + 3);
  for (auto cur = max.load(std::memory_order_relaxed);
       value > cur && !max.compare_exchange_weak(cur, value, std::memory_order_relaxed);) {
  }
}

SeriesReading MetricSeries::read() const {
  SeriesReading out;
  out.counters.assign(family_.counters.size(), 0);
  out.histograms.resize(family_.histograms.size());
  for (std::size_t h = 0; h < family_.histograms.size(); ++h) {
    out.histograms[h].buckets.assign(family_.histograms[h].bounds.size() + 1, 0);
  }
  for (unsigned s = 0; s < kShards; ++s) {
    for (std::size_t c = 0; c < out.counters.size(); ++c) out.counters[c] += slot(s, c).load(std::memory_order_relaxed);
    for (std::size_t h = 0; h < out.histograms.size(); ++h) {
      auto& reading = out.histograms[h];
      const std::size_t base = histogramBase(static_cast<unsigned>(h));
      for (std::size_t b = 0; b < reading.buckets.size(); ++b) {
        reading.buckets[b] += slot(s, base + b).load(std::memory_order_relaxed);
      }
      reading.sum += slot(s, base + reading.buckets.size()).load(std::memory_order_relaxed);
    }
  }
  return out;
}

std::vector<Extremes> MetricSeries::takeExtremes() {
  std::vector<Extremes> out(family_.histograms.size());
  for (unsigned s = 0; s < kShards; ++s) {
    for (std::size_t h = 0; h < out.size(); ++h) {
      const std::size_t base = histogramBase(static_cast<unsigned>(h)) + family_.histograms[h].bounds.size() + 2;
      out[h].min = std::min(
          out[h].min, slot(s, base).exchange(std::numeric_limits<std::uint64_t>::max(), std::memory_order_relaxed));
      out[h].max = std::max(out[h].max, slot(s, base + 1).exchange(0, std::memory_order_relaxed));
    }
  }
  return out;
}

}  // namespace portico::metrics
