// The CloudWatch API's metric reads (query protocol: POST / with a form body
// Action=...&Version=2010-08-01, XML answers; SigV4 service `monitoring`) over the registry's
// minute points: GetMetricStatistics, GetMetricData (MetricStat queries) and ListMetrics, so
// `aws cloudwatch get-metric-statistics` and SDK dashboards read Portico's AWS/ApiGateway and
// AWS/Lambda metrics as on AWS.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
#pragma once
#include "common/clock.h"
#include "control/target_router.h"
#include "metrics/metrics_registry.h"

namespace portico::control::cloudwatch {

/// The references borrowed.
struct CloudWatchContext {
  metrics::MetricsRegistry& registry;
  const Clock& clock;
};

/// Answers the calls TargetRouter gets without an X-Amz-Target (the query protocol's).
void registerCloudWatchRoutes(TargetRouter& targets, CloudWatchContext ctx);

}  // namespace portico::control::cloudwatch
