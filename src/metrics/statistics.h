// CloudWatch's statistics over the registry's minute points: the datapoints of one metric (a
// family's counter or distribution, by CloudWatch name) for one dimension combination, per
// period, as GetMetricStatistics and GetMetricData return them.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Statistic
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metrics/metrics_registry.h"

namespace portico::metrics {

struct StatisticsRequest {
  std::string ns;  // "AWS/ApiGateway"
  std::string metricName;
  std::vector<std::pair<std::string, std::string>> dimensions;  // name → value
  std::chrono::system_clock::time_point start, end;             // [start, end)
  std::chrono::seconds period{60};
};

/// One period's aggregate. Values are in the metric's unit.
struct Datapoint {
  std::chrono::system_clock::time_point timestamp;  // the period's start
  double sampleCount = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
  double average() const { return sampleCount > 0 ? sum / sampleCount : 0; }
  /// The value below which `percent` of the samples fall (from the distribution's buckets).
  double percentile(double percent) const;

  // What percentile() interpolates over: cumulative counts per bucket bound (in the unit).
  std::vector<std::pair<double, std::uint64_t>> cumulative;
  bool binary = false;  // a counter: every sample is 0 or 1
};

struct StatisticsResult {
  std::string unit;                   // "Count", "Milliseconds"; "" when no such metric exists
  std::vector<Datapoint> datapoints;  // oldest first, periods without samples left out
};

/// The families the registry may hold (families.h), searched by namespace; from the points as of
/// the registry's last roll.
StatisticsResult metricStatistics(const MetricsRegistry& registry, const StatisticsRequest& request);

/// The (namespace, metric, dimensions) combinations the registry can answer for now, as
/// ListMetrics gives them.
struct MetricIdentity {
  std::string ns;
  std::string metricName;
  std::vector<std::pair<std::string, std::string>> dimensions;
};
std::vector<MetricIdentity> listMetrics(const MetricsRegistry& registry);

}  // namespace portico::metrics
