// SnapshotCompiler: turns a stored deployment (JSON) and a stage into an immutable
// StageSnapshot: the routing tree (built by route_tree.h), compiled methods, templates and
// selection patterns. Everything is parsed here, once per deploy, so the hot path only reads.
#pragma once
#include <boost/json/object.hpp>
#include <memory>

#include "common/result.h"
#include "gateway/response_cache.h"
#include "gateway/snapshot.h"
#include "vtl/template_engine.h"

namespace portico::metrics {
class MetricsRegistry;  // metrics/metrics_registry.h
}

namespace portico::gateway {

/// deployment: {"api": RestApi, "resources": [Resource with resourceMethods...]};
/// stage: the Stage document (stageName, deploymentId, variables).
Result<std::shared_ptr<const StageSnapshot>> compileStage(const boost::json::object& deployment,
                                                          const boost::json::object& stage,
                                                          const vtl::TemplateEngine& templates);

/// compileStage, and when the stage has canarySettings (deploymentId, percentTraffic,
/// stageVariableOverrides) the canary compiled from canaryDeployment, held by the stage's snapshot.
/// `cache`: the stage's cache (stage_caches.h) when cacheClusterEnabled, shared by the canary
/// (whose keys stay apart unless its useStageCache is set). `metrics`: where its methods count
/// (stage_metrics.h), the canary's into the same series; null: nothing counts.
Result<std::shared_ptr<const StageSnapshot>> compileStageWithCanary(const boost::json::object& deployment,
                                                                    const boost::json::object& stage,
                                                                    const boost::json::object* canaryDeployment,
                                                                    const vtl::TemplateEngine& templates,
                                                                    std::shared_ptr<ResponseCache> cache = nullptr,
                                                                    metrics::MetricsRegistry* metrics = nullptr);

/// Compiles one integration (also used at put time to validate templates and patterns).
Result<std::unique_ptr<CompiledIntegration>> compileIntegration(const boost::json::object& integration,
                                                                const vtl::TemplateEngine& templates);

/// Compiles one stored authorizer (also used by TestInvokeAuthorizer, so that the test runs the
/// authorizer exactly as a deployment would).
CompiledAuthorizer compileAuthorizer(const boost::json::object& authorizer);

}  // namespace portico::gateway
