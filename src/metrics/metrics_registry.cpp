#include "metrics/metrics_registry.h"

#include <prometheus/client_metric.h>

namespace portico::metrics {
namespace {

std::string keyOf(const FamilySchema& family, const std::vector<std::string>& labels) {
  std::string key = family.ns;
  for (const auto& l : labels) {
    key += '\0';
    key += l;
  }
  return key;
}

std::int64_t minuteOf(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count();
}

std::vector<prometheus::ClientMetric::Label> promLabels(const MetricSeries& s) {
  std::vector<prometheus::ClientMetric::Label> out;
  const auto& defs = s.family().labels;
  for (std::size_t i = 0; i < defs.size(); ++i) out.push_back({defs[i].prometheus, s.labels()[i]});
  return out;
}

}  // namespace

MetricsRegistry::MetricsRegistry(const Clock& clock, std::size_t maxSeries) : clock_(clock), maxSeries_(maxSeries) {}

std::shared_ptr<MetricSeries> MetricsRegistry::series(const FamilySchema& family, std::vector<std::string> labels) {
  labels.resize(family.labels.size());
  const std::string key = keyOf(family, labels);
  {
    std::shared_lock lock(mu_);
    if (auto it = entries_.find(key); it != entries_.end()) return it->second.series;
  }
  std::unique_lock lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) return it->second.series;
  if (entries_.size() >= maxSeries_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  auto series = std::make_shared<MetricSeries>(family, std::move(labels));
  Entry entry{series, series->read(), {}};
  entries_.emplace(key, std::move(entry));
  return series;
}

void MetricsRegistry::roll() {
  const std::int64_t minute = minuteOf(clock_.now());
  std::unique_lock lock(mu_);
  rollLocked(minute);
}

void MetricsRegistry::rollLocked(std::int64_t minute) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = it->second;
    SeriesReading now = e.series->read();
    MinutePoint p = MinutePoint::between(e.last, now, minute);
    auto extremes = e.series->takeExtremes();
    for (std::size_t h = 0; h < p.distributions.size() && h < extremes.size(); ++h) {
      p.distributions[h].extremes = extremes[h];
    }
    e.last = std::move(now);
    if (!p.empty()) {
      if (!e.points.empty() && e.points.back().minute >= minute) {
        e.points.back().merge(p);
      } else {
        e.points.push_back(std::move(p));
      }
    }
    while (!e.points.empty() && e.points.front().minute <= minute - kHistoryMinutes) e.points.pop_front();
    if (e.points.empty() && e.series.use_count() == 1) {
      it = entries_.erase(it);  // nobody counts into it any more, and it has nothing left to tell
    } else {
      ++it;
    }
  }
}

void MetricsRegistry::visit(
    const FamilySchema& family,
    const std::function<void(const MetricSeries&, const std::deque<MinutePoint>&)>& visitor) const {
  std::shared_lock lock(mu_);
  for (const auto& [key, e] : entries_) {
    if (&e.series->family() == &family) visitor(*e.series, e.points);
  }
}

void MetricsRegistry::addGauges(std::function<void(std::vector<prometheus::MetricFamily>&)> gauges) {
  std::lock_guard lock(gaugesMu_);
  gauges_.push_back(std::move(gauges));
}

std::size_t MetricsRegistry::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

std::vector<prometheus::MetricFamily> MetricsRegistry::Collect() const {
  // One family per counter and distribution of each schema in use, in the schema's order.
  std::vector<const FamilySchema*> schemas;
  std::map<const FamilySchema*, std::vector<std::pair<const MetricSeries*, SeriesReading>>> bySchema;
  std::vector<std::shared_ptr<MetricSeries>> held;  // kept alive while read outside the lock
  {
    std::shared_lock lock(mu_);
    for (const auto& [key, e] : entries_) held.push_back(e.series);
  }
  for (const auto& s : held) {
    auto& list = bySchema[&s->family()];
    if (list.empty()) schemas.push_back(&s->family());
    list.emplace_back(s.get(), s->read());
  }
  std::vector<prometheus::MetricFamily> out;
  for (const FamilySchema* schema : schemas) {
    const auto& list = bySchema[schema];
    for (std::size_t c = 0; c < schema->counters.size(); ++c) {
      prometheus::MetricFamily fam{schema->prefix + schema->counters[c].prometheus,
                                   schema->counters[c].help,
                                   prometheus::MetricType::Counter,
                                   {}};
      for (const auto& [series, reading] : list) {
        prometheus::ClientMetric m;
        m.label = promLabels(*series);
        m.counter.value = static_cast<double>(reading.counters[c]);
        fam.metric.push_back(std::move(m));
      }
      out.push_back(std::move(fam));
    }
    for (std::size_t h = 0; h < schema->histograms.size(); ++h) {
      const HistogramDef& def = schema->histograms[h];
      if (def.prometheus.empty()) continue;
      prometheus::MetricFamily fam{schema->prefix + def.prometheus, def.help, prometheus::MetricType::Histogram, {}};
      for (const auto& [series, reading] : list) {
        const HistogramReading& r = reading.histograms[h];
        prometheus::ClientMetric m;
        m.label = promLabels(*series);
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < r.buckets.size(); ++b) {
          cumulative += r.buckets[b];
          m.histogram.bucket.push_back({cumulative, def.upperBound(b)});
        }
        m.histogram.sample_count = cumulative;
        m.histogram.sample_sum = static_cast<double>(r.sum) * def.scale;
        fam.metric.push_back(std::move(m));
      }
      out.push_back(std::move(fam));
    }
  }
  std::lock_guard lock(gaugesMu_);
  for (const auto& gauges : gauges_) gauges(out);
  return out;
}

}  // namespace portico::metrics
