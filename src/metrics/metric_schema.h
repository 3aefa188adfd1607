// FamilySchema: what one family of series counts and how CloudWatch and Prometheus name it: its
// labels (each a Prometheus label and, for most, a CloudWatch dimension), counters, distributions
// and the dimension combinations CloudWatch answers for. families.h holds the two Portico has.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace portico::metrics {

/// One label: its Prometheus name and the CloudWatch dimension it is ("" for none).
struct LabelDef {
  std::string prometheus;
  std::string dimension;
};

/// A counter. In CloudWatch every request (invocation) is one sample of value 0 or 1: `samples`
/// lists the counters whose sum is its SampleCount (empty: itself, each event a sample of 1).
struct CounterDef {
  std::string metricName;  // CloudWatch's ("4XXError"); "" keeps it out of CloudWatch
  std::string prometheus;  // after the family's prefix ("4xx_errors_total")
  std::string help;
  std::vector<unsigned> samples;
};

/// A distribution, recorded in integer units (microseconds for latencies) and shown in `unit`
/// after multiplying by `scale` (0.001: milliseconds).
struct HistogramDef {
  std::string metricName;  // "Latency"
  std::string prometheus;  // "latency_milliseconds"; "" keeps it out of /metrics
  std::string help;
  std::string unit;  // CloudWatch's: "Milliseconds", "Count"
  double scale = 1.0;
  std::vector<std::uint64_t> bounds;  // bucket upper bounds in recorded units, ascending (+Inf implied)

  /// Bucket b's upper bound in the unit shown (+Inf for the last bucket).
  double upperBound(std::size_t b) const {
    return b < bounds.size() ? static_cast<double>(bounds[b]) * scale : std::numeric_limits<double>::infinity();
  }
};

/// A dimension combination CloudWatch answers for, its names sorted. detailedOnly: only series
/// whose detailed metrics are on publish it (API Gateway's per-method metrics).
struct DimensionSet {
  std::vector<std::string> names;
  bool detailedOnly = false;
};

struct FamilySchema {
  std::string ns;      // CloudWatch namespace ("AWS/ApiGateway")
  std::string prefix;  // of its Prometheus names ("portico_apigateway_")
  std::vector<LabelDef> labels;
  std::vector<CounterDef> counters;
  std::vector<HistogramDef> histograms;
  std::vector<DimensionSet> dimensionSets;
};

}  // namespace portico::metrics
