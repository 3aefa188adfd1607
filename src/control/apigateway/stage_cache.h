// The stage cache's control-plane side: cacheClusterEnabled / cacheClusterSize on a stage
// (checked, the size defaulted to 0.5 GB, cacheClusterStatus AVAILABLE at once: Portico's cache
// needs no four minutes), the cache a published stage uses (ctx.caches), and FlushStageCache /
// FlushStageAuthorizersCache (DELETE .../stages/{s}/cache/data and .../cache/authorizers, 202).
#pragma once
#include <boost/json/object.hpp>
#include <memory>

#include "control/apigateway/apigateway_context.h"

namespace portico::control::apigateway {

/// The stage's cache settings checked (an unknown size is AWS's 400) and its status set.
Status settleCacheCluster(boost::json::object& stage);

/// The cache the stage's snapshot serves with: acquired when cacheClusterEnabled (the same one
/// while the size is unchanged), released otherwise. Null without a cache.
std::shared_ptr<gateway::ResponseCache> stageCache(ApiGatewayContext& ctx, const std::string& apiId,
                                                   const boost::json::object& stage);

/// A new method setting's fields, as AWS fills them in (a resource's own entry starts from "*/*").
boost::json::object methodSettingDefaults(const boost::json::object* stageWide);

}  // namespace portico::control::apigateway
