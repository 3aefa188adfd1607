#include "gateway/stage_metrics.h"

#include "metrics/families.h"
#include "metrics/metrics_registry.h"

namespace portico::gateway {
namespace {

void bindTree(RouteNode& node, metrics::MetricsRegistry& registry, const std::vector<std::string>& stageLabels) {
  for (auto& [verb, method] : node.methods) {
    std::vector<std::string> labels = stageLabels;
    labels[metrics::kResource] = method->resourcePath;
    labels[metrics::kMethod] = method->httpMethod;
    method->metrics = registry.series(metrics::apiGatewayFamily(), std::move(labels));
    if (method->metrics) method->metrics->setDetailed(method->detailedMetrics);
  }
  for (auto& [name, child] : node.literals) bindTree(*child, registry, stageLabels);
  if (node.variable) bindTree(*node.variable, registry, stageLabels);
  if (node.greedy) bindTree(*node.greedy, registry, stageLabels);
}

}  // namespace

std::string metricApiName(const StageSnapshot& stage) {
  std::string name;
  for (char c : stage.apiName) {
    if (static_cast<unsigned char>(c) < 0x80) name += c;
  }
  return name.empty() ? stage.apiId : name;
}

void bindStageMetrics(StageSnapshot& stage, metrics::MetricsRegistry& registry) {
  std::vector<std::string> labels(metrics::apiGatewayFamily().labels.size());
  labels[metrics::kApiId] = stage.apiId;
  labels[metrics::kApiName] = metricApiName(stage);
  labels[metrics::kStage] = stage.stageName;
  bindTree(stage.root, registry, labels);
  stage.unmatchedMetrics = registry.series(metrics::apiGatewayFamily(), labels);
  if (stage.unmatchedMetrics) stage.unmatchedMetrics->setDetailed(false);
}

void countRequest(const RequestContext& ctx, unsigned status, std::chrono::microseconds latency) {
  metrics::MetricSeries* series =
      ctx.match.method ? ctx.match.method->metrics.get() : ctx.stage->unmatchedMetrics.get();
  if (!series) return;
  series->add(metrics::kCount);
  if (status >= 400 && status < 500) series->add(metrics::k4xxError);
  if (status >= 500) series->add(metrics::k5xxError);
  if (ctx.cacheOutcome == RequestContext::CacheOutcome::kHit) series->add(metrics::kCacheHitCount);
  if (ctx.cacheOutcome == RequestContext::CacheOutcome::kMiss) series->add(metrics::kCacheMissCount);
  series->observe(metrics::kLatency, static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())));
  if (ctx.integrationLatency) {
    series->observe(metrics::kIntegrationLatency,
                    static_cast<std::uint64_t>(std::max<std::int64_t>(0, ctx.integrationLatency->count())));
  }
}

}  // namespace portico::gateway
