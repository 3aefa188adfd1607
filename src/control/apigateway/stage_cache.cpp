#include "control/apigateway/stage_cache.h"

#include "common/json_util.h"
#include "control/apigateway/child_resource.h"
#include "gateway/stage_caches.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

bool cacheEnabled(const bj::object& stage) {
  const bj::value* on = stage.if_contains("cacheClusterEnabled");
  return on && on->is_bool() && on->get_bool();
}

/// DELETE .../stages/{s}/cache/data or .../cache/authorizers: 202, empty.
Result<AdminReply> flush(ApiGatewayContext& ctx, const AdminCall& call, bool authorizers) {
  std::lock_guard lock(ctx.mu);
  auto stage = loadChild(ctx, kStages, call.params[0], call.params[1]);
  if (!stage) return stage.takeError();
  if (authorizers) {
    if (ctx.authorization) ctx.authorization->flushStage(call.params[0], call.params[1]);
  } else if (ctx.caches) {
    if (auto cache = ctx.caches->find(call.params[0], call.params[1])) cache->flush();
  }
  return AdminReply{202, std::nullopt};
}

}  // namespace

Status settleCacheCluster(bj::object& stage) {
  if (const bj::value* size = stage.if_contains("cacheClusterSize"); size && !size->is_null()) {
    if (!size->is_string() || !gateway::cacheClusterBytes(size->get_string())) {
      return ApiError::badRequest("Invalid cache cluster size specified: " +
                                  (size->is_string() ? std::string(size->get_string()) : bj::serialize(*size)) +
                                  ". Valid sizes are 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237");
    }
  }
  if (cacheEnabled(stage)) {
    if (!json::str(stage, "cacheClusterSize")) stage["cacheClusterSize"] = "0.5";
    stage["cacheClusterStatus"] = "AVAILABLE";
  } else {
    stage["cacheClusterStatus"] = "NOT_AVAILABLE";
  }
  return Ok{};
}

std::shared_ptr<gateway::ResponseCache> stageCache(ApiGatewayContext& ctx, const std::string& apiId,
                                                   const bj::object& stage) {
  if (!ctx.caches) return nullptr;
  const std::string name = json::strOr(stage, "stageName", "");
  if (!cacheEnabled(stage)) {
    ctx.caches->release(apiId, name);
    return nullptr;
  }
  auto bytes = gateway::cacheClusterBytes(json::strOr(stage, "cacheClusterSize", "0.5"));
  return ctx.caches->acquire(apiId, name, bytes.value_or(*gateway::cacheClusterBytes("0.5")));
}

bj::object methodSettingDefaults(const bj::object* stageWide) {
  bj::object out{{"metricsEnabled", false},
                 {"dataTraceEnabled", false},
                 {"cachingEnabled", false},
                 {"cacheTtlInSeconds", 300},
                 {"cacheDataEncrypted", false},
                 {"requireAuthorizationForCacheControl", true},
                 {"unauthorizedCacheControlHeaderStrategy", "SUCCEED_WITH_RESPONSE_HEADER"}};
  if (stageWide) {
    for (auto& [key, value] : out) {
      if (const bj::value* v = stageWide->if_contains(key)) value = *v;
    }
  }
  return out;
}

void registerStageCacheRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::delete_, "restapis/{}/stages/{}/cache/data",
             [&ctx](const AdminCall& call) { return flush(ctx, call, false); });
  routes.add(verb::delete_, "restapis/{}/stages/{}/cache/authorizers",
             [&ctx](const AdminCall& call) { return flush(ctx, call, true); });
}

}  // namespace portico::control::apigateway
