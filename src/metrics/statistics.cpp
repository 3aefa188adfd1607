#include "metrics/statistics.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "metrics/families.h"

namespace portico::metrics {
namespace {

const FamilySchema* familyOf(std::string_view ns) {
  for (const FamilySchema* f : allFamilies()) {
    if (f->ns == ns) return f;
  }
  return nullptr;
}

/// The dimension set the request names (its names sorted), if the family publishes it.
const DimensionSet* dimensionSetOf(const FamilySchema& family, const StatisticsRequest& request) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.dimensions) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const auto& set : family.dimensionSets) {
    if (set.names == names) return &set;
  }
  return nullptr;
}

/// Whether a series publishes this dimension combination: a non-empty label equal to each value.
bool matches(const MetricSeries& series, const DimensionSet& set, const StatisticsRequest& request) {
  if (set.detailedOnly && !series.detailed()) return false;
  const auto& labels = series.family().labels;
  for (const auto& [name, value] : request.dimensions) {
    bool found = false;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i].dimension != name) continue;
      found = !series.labels()[i].empty() && series.labels()[i] == value;
      break;
    }
    if (!found) return false;
  }
  return true;
}

struct Accumulator {
  std::uint64_t samples = 0;
  std::uint64_t sum = 0;
  Extremes extremes;
  std::vector<std::uint64_t> buckets;
  bool any = false;
};

}  // namespace

double Datapoint::percentile(double percent) const {
  if (sampleCount <= 0) return 0;
  if (binary) return percent / 100.0 > 1.0 - sum / sampleCount ? 1.0 : 0.0;
  const double rank = percent / 100.0 * sampleCount;
  double lower = minimum;
  std::uint64_t below = 0;
  for (const auto& [bound, cumulative] : cumulative) {
    if (static_cast<double>(cumulative) >= rank && cumulative > below) {
      const double upper = std::min(bound, maximum);
      const double fraction = (rank - static_cast<double>(below)) / static_cast<double>(cumulative - below);
      return std::clamp(lower + (upper - lower) * fraction, minimum, maximum);
    }
    below = cumulative;
    lower = std::max(minimum, bound);
  }
  return maximum;
}

StatisticsResult metricStatistics(const MetricsRegistry& registry, const StatisticsRequest& request) {
  StatisticsResult out;
  const FamilySchema* family = familyOf(request.ns);
  if (!family) return out;
  std::optional<unsigned> counter, histogram;
  for (unsigned c = 0; c < family->counters.size(); ++c) {
    if (!family->counters[c].metricName.empty() && family->counters[c].metricName == request.metricName) counter = c;
  }
  for (unsigned h = 0; h < family->histograms.size(); ++h) {
    if (family->histograms[h].metricName == request.metricName) histogram = h;
  }
  if (!counter && !histogram) return out;
  out.unit = counter ? "Count" : family->histograms[*histogram].unit;
  const DimensionSet* set = dimensionSetOf(*family, request);
  if (!set) return out;
  const std::int64_t periodMinutes = std::max<std::int64_t>(1, request.period.count() / 60);
  const std::int64_t startMinute =
      std::chrono::duration_cast<std::chrono::minutes>(request.start.time_since_epoch()).count();
  const std::int64_t endMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(request.end.time_since_epoch()).count();

  std::map<std::int64_t, Accumulator> periods;  // period index → its aggregate
  registry.visit(*family, [&](const MetricSeries& series, const std::deque<MinutePoint>& points) {
    if (!matches(series, *set, request)) return;
    for (const MinutePoint& p : points) {
      if (p.minute < startMinute || p.minute * 60000 >= endMs) continue;
      Accumulator& a = periods[(p.minute - startMinute) / periodMinutes];
      if (counter) {
        const auto& def = family->counters[*counter];
        a.sum += p.counters[*counter];
        if (def.samples.empty()) {
          a.samples += p.counters[*counter];
        } else {
          for (unsigned s : def.samples) a.samples += p.counters[s];
        }
      } else {
        const auto& d = p.distributions[*histogram];
        a.samples += d.count;
        a.sum += d.sum;
        a.extremes.min = std::min(a.extremes.min, d.extremes.min);
        a.extremes.max = std::max(a.extremes.max, d.extremes.max);
        if (a.buckets.size() < d.buckets.size()) a.buckets.resize(d.buckets.size());
        for (std::size_t b = 0; b < d.buckets.size(); ++b) a.buckets[b] += d.buckets[b];
      }
    }
  });
  for (const auto& [index, a] : periods) {
    if (a.samples == 0) continue;
    Datapoint dp;
    dp.timestamp = std::chrono::system_clock::time_point(std::chrono::minutes(startMinute + index * periodMinutes));
    dp.sampleCount = static_cast<double>(a.samples);
    if (counter) {
      dp.binary = true;
      dp.sum = static_cast<double>(a.sum);
      dp.maximum = a.sum > 0 ? 1 : 0;
      dp.minimum = a.sum >= a.samples ? 1 : 0;
      if (family->counters[*counter].samples.empty()) dp.minimum = dp.maximum = 1;
    } else {
      const HistogramDef& def = family->histograms[*histogram];
      dp.sum = static_cast<double>(a.sum) * def.scale;
      if (a.extremes.min <= a.extremes.max) {
        dp.minimum = static_cast<double>(a.extremes.min) * def.scale;
        dp.maximum = static_cast<double>(a.extremes.max) * def.scale;
      } else {
        // A roll came between a sample's bucket and its extremes: bound them by the buckets.
        std::optional<std::size_t> first, last;
        for (std::size_t b = 0; b < a.buckets.size(); ++b) {
          if (a.buckets[b] == 0) continue;
          if (!first) first = b;
          last = b;
        }
        // The lowest bucket's lower bound, the highest's upper bound (the last finite one for +Inf).
        auto upper = [&](std::size_t b) {
          if (def.bounds.empty()) return 0.0;
          return static_cast<double>(def.bounds[std::min(b, def.bounds.size() - 1)]);
        };
        dp.minimum = first && *first > 0 ? upper(*first - 1) * def.scale : 0.0;
        dp.maximum = last ? upper(*last) * def.scale : 0.0;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b < a.buckets.size(); ++b) {
        cumulative += a.buckets[b];
        dp.cumulative.emplace_back(def.upperBound(b), cumulative);
      }
    }
    out.datapoints.push_back(std::move(dp));
  }
  return out;
}

std::vector<MetricIdentity> listMetrics(const MetricsRegistry& registry) {
  std::set<std::tuple<std::string, std::string, std::vector<std::pair<std::string, std::string>>>> seen;
  for (const FamilySchema* family : allFamilies()) {
    registry.visit(*family, [&](const MetricSeries& series, const std::deque<MinutePoint>& points) {
      if (points.empty()) return;
      for (const auto& set : family->dimensionSets) {
        if (set.detailedOnly && !series.detailed()) continue;
        std::vector<std::pair<std::string, std::string>> dims;
        bool complete = true;
        for (const auto& name : set.names) {
          for (std::size_t i = 0; i < family->labels.size(); ++i) {
            if (family->labels[i].dimension != name) continue;
            if (series.labels()[i].empty()) complete = false;
            dims.emplace_back(name, series.labels()[i]);
          }
        }
        if (!complete) continue;
        for (const auto& c : family->counters) {
          if (!c.metricName.empty()) seen.emplace(family->ns, c.metricName, dims);
        }
        for (const auto& h : family->histograms) seen.emplace(family->ns, h.metricName, dims);
      }
    });
  }
  std::vector<MetricIdentity> out;
  for (const auto& [ns, name, dims] : seen) out.push_back({ns, name, dims});
  return out;
}

}  // namespace portico::metrics
