#include "control/apigateway/stage_canary.h"

#include <boost/json.hpp>
#include <string_view>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "control/apigateway/stage_operations.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
namespace {

constexpr std::string_view kCanary = "/canarySettings";

// What AWS lists for a path UpdateStage does not know.
constexpr std::string_view kStagePaths =
    "[/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, "
    "/accessLogSettings, /accessLogSettings/destinationArn, /accessLogSettings/format, "
    "/{resourcePath}/{httpMethod}/metrics/enabled, /{resourcePath}/{httpMethod}/logging/dataTrace, "
    "/{resourcePath}/{httpMethod}/logging/loglevel, /{resourcePath}/{httpMethod}/throttling/burstLimit, "
    "/{resourcePath}/{httpMethod}/throttling/rateLimit, /{resourcePath}/{httpMethod}/caching/ttlInSeconds, "
    "/{resourcePath}/{httpMethod}/caching/enabled, /{resourcePath}/{httpMethod}/caching/dataEncrypted, "
    "/{resourcePath}/{httpMethod}/caching/requireAuthorizationForCacheControl, "
    "/{resourcePath}/{httpMethod}/caching/unauthorizedCacheControlHeaderStrategy, /*/*/metrics/enabled, "
    "/*/*/logging/dataTrace, /*/*/logging/loglevel, /*/*/throttling/burstLimit, /*/*/throttling/rateLimit, "
    "/*/*/caching/ttlInSeconds, /*/*/caching/enabled, /*/*/caching/dataEncrypted, "
    "/*/*/caching/requireAuthorizationForCacheControl, /*/*/caching/unauthorizedCacheControlHeaderStrategy, "
    "/variables/{variable_name}, /tracingEnabled, /canarySettings/percentTraffic, /canarySettings/deploymentId, "
    "/canarySettings/stageVariableOverrides/{variable_name}, /canarySettings/useStageCache]";

ApiError invalidSettingPath(std::string_view path) {
  return ApiError::badRequest("Invalid method setting path: " + std::string(path.substr(0, 200)) +
                              ". Must be one of: " + std::string(kStagePaths));
}

Result<double> percentOf(const bj::value& v) {
  std::optional<double> p;
  if (v.is_number()) p = v.to_number<double>();
  if (v.is_string()) p = parseNumber<double>(v.get_string());
  if (!p || *p < 0.0 || *p > 100.0) {
    return ApiError::badRequest("Invalid canary percentTraffic: it must be a number between 0.0 and 100.0");
  }
  return *p;
}

bool deploymentExists(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id) {
  return !id.empty() && loadDoc(ctx, kDeployment, apiId, id).has_value();
}

/// The stage's canary, made (of the stage's own deployment, no traffic) when it has none.
bj::object& canaryOf(bj::object& stage) {
  if (!json::obj(stage, "canarySettings")) {
    stage["canarySettings"] = bj::object{
        {"deploymentId", json::strOr(stage, "deploymentId", "")}, {"percentTraffic", 0.0}, {"useStageCache", false}};
  }
  return stage["canarySettings"].as_object();
}

/// copy from /canarySettings/... to the stage: the promotion.
Status promote(bj::object& stage, std::string_view from, std::string_view path) {
  const bool deployment = from == "/canarySettings/deploymentId" && path == "/deploymentId";
  const bool variables = from == "/canarySettings/stageVariableOverrides" && path == "/variables";
  if (!deployment && !variables) {
    return ApiError::badRequest(
        "Invalid copy operation with path: " + std::string(path.substr(0, 200)) + " and from " +
        std::string(from.substr(0, 200)) +
        ". Valid copy:path are [/deploymentId, /variables] and valid copy:from are [/canarySettings/deploymentId, "
        "/canarySettings/stageVariableOverrides]");
  }
  const bj::object* canary = json::obj(stage, "canarySettings");
  if (!canary) return ApiError::badRequest("Promotion not available. Canary does not exist.");
  if (deployment) {
    stage["deploymentId"] = json::strOr(*canary, "deploymentId", "");
  } else if (const bj::object* overrides = json::obj(*canary, "stageVariableOverrides")) {
    const bj::object copy = *overrides;  // (stage["variables"] may move the canary)
    auto& vars = json::objAt(stage, "variables");
    for (const auto& [k, v] : copy) vars[k] = v;
  }
  return Ok{};
}

ApiError noSetting(std::string_view sub) {
  return ApiError::badRequest("Cannot remove method setting canarySettings" + std::string(sub.substr(0, 200)) +
                              " because there is no method setting for this method ");
}

/// One operation on a path under /canarySettings (`sub`: what follows it).
Status canaryOperation(ApiGatewayContext& ctx, const std::string& apiId, bj::object& stage, std::string_view op,
                       std::string_view path, std::string_view sub, const bj::value* value) {
  const std::string text = value && value->is_string() ? std::string(value->get_string()) : "";
  constexpr std::string_view kOverrides = "/stageVariableOverrides";
  if (op == "add") return ApiError::badRequest("Invalid add operation with path: " + std::string(path.substr(0, 200)));
  if (op != "replace" && op != "remove") {
    return ApiError::badRequest("Invalid patch operation specified. Must be one of: [add, remove, replace]");
  }
  if (op == "remove") {
    bj::object* canary = json::obj(stage, "canarySettings");
    if (sub.empty()) {
      stage.erase("canarySettings");
      return Ok{};
    }
    if (sub == kOverrides) {
      if (!canary || !json::obj(*canary, "stageVariableOverrides")) return noSetting(sub);
      canary->erase("stageVariableOverrides");
      return Ok{};
    }
    if (sub.starts_with(std::string(kOverrides) + "/")) {
      const std::string name = decodePointer(sub.substr(kOverrides.size() + 1));
      bj::object* overrides = canary ? json::obj(*canary, "stageVariableOverrides") : nullptr;
      if (!overrides || !overrides->erase(name)) return noSetting(sub);
      return Ok{};
    }
    return invalidSettingPath(path);
  }
  if (sub == "/deploymentId") {
    if (!deploymentExists(ctx, apiId, text)) return ApiError::badRequest("Deployment id does not exist");
    canaryOf(stage)["deploymentId"] = text;
  } else if (sub == "/percentTraffic") {
    auto p = percentOf(value ? *value : bj::value());
    if (!p) return p.takeError();
    canaryOf(stage)["percentTraffic"] = *p;
  } else if (sub == "/useStageCache") {
    if (text != "true" && text != "false") return ApiError::badRequest("Invalid boolean value: " + text.substr(0, 50));
    canaryOf(stage)["useStageCache"] = text == "true";
  } else if (sub.starts_with(std::string(kOverrides) + "/") && sub.size() > kOverrides.size() + 1) {
    const std::string name = decodePointer(sub.substr(kOverrides.size() + 1));
    json::objAt(canaryOf(stage), "stageVariableOverrides")[name] = text;
  } else {
    return invalidSettingPath(path);
  }
  return Ok{};
}

}  // namespace

Result<bj::object> canarySettings(ApiGatewayContext& ctx, const std::string& apiId, const bj::value& body,
                                  const std::string& deploymentId) {
  if (!body.is_object()) return ApiError::badRequest("Invalid canary settings: expected an object");
  const bj::object& in = body.get_object();
  bj::object out;
  std::string id = deploymentId;
  if (id.empty()) {
    id = json::strOr(in, "deploymentId", "");
    if (!deploymentExists(ctx, apiId, id)) return ApiError::badRequest("Deployment id does not exist");
  }
  out["deploymentId"] = id;
  out["percentTraffic"] = 0.0;
  if (const bj::value* p = in.if_contains("percentTraffic"); p && !p->is_null()) {
    auto percent = percentOf(*p);
    if (!percent) return percent.takeError();
    out["percentTraffic"] = *percent;
  }
  if (const bj::value* o = in.if_contains("stageVariableOverrides"); o && !o->is_null()) {
    if (!o->is_object()) return ApiError::badRequest("Invalid canary stageVariableOverrides: expected a map");
    bj::object overrides;
    for (const auto& [k, v] : o->get_object()) {
      if (!v.is_string()) return ApiError::badRequest("Invalid canary stageVariableOverrides: values are strings");
      overrides[k] = v;
    }
    out["stageVariableOverrides"] = std::move(overrides);
  }
  const bj::value* cache = in.if_contains("useStageCache");
  out["useStageCache"] = cache && cache->is_bool() && cache->get_bool();
  return out;
}

Result<bj::object> applyCanaryOperations(ApiGatewayContext& ctx, const std::string& apiId, bj::object& stage,
                                         const bj::object& body) {
  return takeOperations(
      body,
      [](const StageOperation& o) {
        return o.op == "copy" || o.path == kCanary || o.path.starts_with(std::string(kCanary) + "/");
      },
      [&](const StageOperation& o) -> Status {
        if (o.op == "copy") return promote(stage, json::strOr(o.item, "from", ""), o.path);
        if (o.path == kCanary && o.op != "remove") return invalidSettingPath(o.path);
        const std::string_view sub = std::string_view(o.path).substr(kCanary.size());
        return canaryOperation(ctx, apiId, stage, o.op, o.path, sub, o.item.if_contains("value"));
      });
}

}  // namespace portico::control::apigateway
