// A stage's metrics: each compiled method bound at deploy time to its series of API Gateway's
// family (metrics/families.h: API, stage, resource, method), and what one request adds to it
// (Count, 4XXError, 5XXError, CacheHitCount/CacheMissCount, Latency, IntegrationLatency), with
// no lock and no lookup on the request path.
#pragma once
#include <chrono>

#include "gateway/request_context.h"
#include "gateway/snapshot.h"

namespace portico::metrics {
class MetricsRegistry;  // metrics/metrics_registry.h
}

namespace portico::gateway {

/// CloudWatch's ApiName: the API's name without its non-ASCII characters, else its id.
std::string metricApiName(const StageSnapshot& stage);

/// Gives every method of the stage (and its requests that match none) its series.
void bindStageMetrics(StageSnapshot& stage, metrics::MetricsRegistry& registry);

/// Counts one answered request of a stage whose metrics are bound.
void countRequest(const RequestContext& ctx, unsigned status, std::chrono::microseconds latency);

}  // namespace portico::gateway
