// Stage operations: CreateStage, GetStages, GetStage, UpdateStage, DeleteStage.
// Every change republishes the stage's compiled snapshot to the data plane.
// https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/documentation_parts.h"
#include "control/apigateway/domain_names.h"
#include "control/apigateway/input_limits.h"
#include "control/apigateway/stage_access_log.h"
#include "control/apigateway/stage_cache.h"
#include "control/apigateway/stage_canary.h"
#include "control/patch_operations.h"
#include "gateway/stage_caches.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kStageFields[] = {
    {"/description", FieldKind::kString, "description"},
    {"/deploymentId", FieldKind::kString, "deploymentId"},
    {"/clientCertificateId", FieldKind::kString, "clientCertificateId"},
    {"/cacheClusterEnabled", FieldKind::kBool, "cacheClusterEnabled"},
    {"/cacheClusterSize", FieldKind::kString, "cacheClusterSize"},
    {"/tracingEnabled", FieldKind::kBool, "tracingEnabled"},
    {"/variables", FieldKind::kStringMap, "variables"},
    {"/documentationVersion", FieldKind::kString, "documentationVersion"},
};

struct MethodSettingKey {
  std::string_view path;  // after "/{resource}/{METHOD}"
  std::string_view key;
  FieldKind kind;
};

constexpr MethodSettingKey kMethodSettings[] = {
    {"metrics/enabled", "metricsEnabled", FieldKind::kBool},
    {"logging/loglevel", "loggingLevel", FieldKind::kString},
    {"logging/dataTrace", "dataTraceEnabled", FieldKind::kBool},
    {"throttling/burstLimit", "throttlingBurstLimit", FieldKind::kInt},
    {"throttling/rateLimit", "throttlingRateLimit", FieldKind::kString},
    {"caching/enabled", "cachingEnabled", FieldKind::kBool},
    {"caching/ttlInSeconds", "cacheTtlInSeconds", FieldKind::kInt},
    {"caching/dataEncrypted", "cacheDataEncrypted", FieldKind::kBool},
    {"caching/requireAuthorizationForCacheControl", "requireAuthorizationForCacheControl", FieldKind::kBool},
    {"caching/unauthorizedCacheControlHeaderStrategy", "unauthorizedCacheControlHeaderStrategy", FieldKind::kString},
};

/// Splits method-setting patch ops ("/*/*/throttling/rateLimit", "/~1pets/GET/...") from the rest
/// and applies them to doc.methodSettings; returns the remaining ops.
Result<bj::object> applyMethodSettings(bj::object& doc, const bj::object& body) {
  static const RE2 kSettingPath(R"(/([^/]+)/([^/]+)/(.+))");
  bj::object rest;
  bj::array others;
  auto* ops = body.if_contains("patchOperations");
  if (!ops || !ops->is_array()) return body;
  for (const auto& op : ops->get_array()) {
    if (!op.is_object()) return ApiError::badRequest("Invalid patch operation");
    std::string path = json::strOr(op.get_object(), "path", "");
    std::string resource, method, setting;
    const MethodSettingKey* match = nullptr;
    if (RE2::FullMatch(path, kSettingPath, &resource, &method, &setting)) {
      for (const auto& s : kMethodSettings) {
        if (s.path == setting) match = &s;
      }
    }
    if (!match) {
      others.push_back(op);
      continue;
    }
    auto& all = json::objAt(doc, "methodSettings");
    const std::string settingKey = resource + "/" + method;
    if (!all.contains(settingKey)) {  // a new entry starts as AWS fills one in
      const bj::object* stageWide = settingKey == "*/*" ? nullptr : json::obj(all, "*/*");
      bj::object seeded = methodSettingDefaults(stageWide);
      if (stageWide && method != "GET") seeded["cachingEnabled"] = false;  // "*/*" caches GET only
      all[settingKey] = std::move(seeded);
    }
    auto& settings = json::objAt(all, settingKey);
    std::string opName = json::strOr(op.get_object(), "op", "");
    if (opName == "remove") {
      settings.erase(match->key);
      continue;
    }
    std::string value = json::strOr(op.get_object(), "value", "");
    if (match->kind == FieldKind::kBool) {
      if (value != "true" && value != "false") return ApiError::badRequest("Invalid boolean value: " + value);
      settings[match->key] = value == "true";
    } else if (match->kind == FieldKind::kInt) {
      auto parsed = parseNumber<std::int64_t>(value);
      if (!parsed) return ApiError::badRequest("Invalid integer value: " + value);
      std::int64_t n = *parsed;
      // Throttling's -1 means "not set" (the account's limit applies), as AWS and Terraform use it.
      if (match->key == "throttlingBurstLimit" && n < -1) {
        return ApiError::badRequest("Invalid throttling burst limit: " + value + ". Use -1 (not set) or 0 and above.");
      }
      if (match->key == "cacheTtlInSeconds" && (n < 0 || n > 3600)) {
        return ApiError::badRequest("Invalid cache TTL: " + value + ". It must be between 0 and 3600 seconds.");
      }
      settings[match->key] = n;
    } else if (match->key == "throttlingRateLimit") {
      auto parsed = parseNumber<double>(value);  // finite: "inf" and "nan" are not numbers here
      if (!parsed) return ApiError::badRequest("Invalid number value: " + value);
      double rate = *parsed;
      if (rate < -1) {
        return ApiError::badRequest("Invalid throttling rate limit: " + value + ". Use -1 (not set) or 0 and above.");
      }
      settings[match->key] = rate;
    } else {
      if (match->key == "unauthorizedCacheControlHeaderStrategy" && value != "FAIL_WITH_403" &&
          value != "SUCCEED_WITH_RESPONSE_HEADER" && value != "SUCCEED_WITHOUT_RESPONSE_HEADER") {
        return ApiError::badRequest("Invalid unauthorizedCacheControlHeaderStrategy: " + value +
                                    ". Must be one of: [FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER, "
                                    "SUCCEED_WITHOUT_RESPONSE_HEADER]");
      }
      settings[match->key] = value;
    }
  }
  rest["patchOperations"] = std::move(others);
  return rest;
}

/// The stage's clientCertificateId names a client certificate (or is absent / empty).
Status checkClientCertificate(ApiGatewayContext& ctx, const bj::object& stage) {
  const std::string id = json::strOr(stage, "clientCertificateId", "");
  if (id.empty()) return Ok{};
  if (auto cert = loadClientCertificate(ctx, id); !cert) return ApiError::badRequest(cert.error().message);
  return Ok{};
}

/// CreateStage once the API is loaded.
Result<AdminReply> addStage(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& body) {
  static const RE2 kName(R"([a-zA-Z0-9_-]{1,128})");
  std::string name = json::strOr(body, "stageName", "");
  if (!RE2::FullMatch(name, kName)) {
    return ApiError::badRequest("Stage name only allows a-zA-Z0-9_- and must be between 1 and 128 characters");
  }
  if (loadDoc(ctx, kStage, apiId, name)) return ApiError::conflict("Stage already exists");
  std::string deploymentId = json::strOr(body, "deploymentId", "");
  if (!loadDoc(ctx, kDeployment, apiId, deploymentId)) {
    return ApiError::badRequest("Invalid deployment identifier specified");
  }
  bj::object stage;
  stage["stageName"] = name;
  stage["deploymentId"] = deploymentId;
  if (auto d = json::str(body, "description")) stage["description"] = *d;
  stage["cacheClusterEnabled"] = false;
  if (auto* c = body.if_contains("cacheClusterEnabled"); c && c->is_bool()) stage["cacheClusterEnabled"] = *c;
  if (auto* size = body.if_contains("cacheClusterSize"); size && !size->is_null()) stage["cacheClusterSize"] = *size;
  if (auto st = settleCacheCluster(stage); !st) return st.takeError();
  stage["tracingEnabled"] = false;
  if (auto* t = body.if_contains("tracingEnabled"); t && t->is_bool()) stage["tracingEnabled"] = *t;
  stage["methodSettings"] = bj::object();
  if (auto* v = json::obj(body, "variables")) stage["variables"] = *v;
  if (auto* tags = json::obj(body, "tags")) stage["tags"] = *tags;
  if (auto cert = json::str(body, "clientCertificateId"); cert && !cert->empty()) stage["clientCertificateId"] = *cert;
  if (auto st = checkClientCertificate(ctx, stage); !st) return st.takeError();
  if (const bj::value* canary = body.if_contains("canarySettings"); canary && !canary->is_null()) {
    auto settings = canarySettings(ctx, apiId, *canary, "");
    if (!settings) return settings.takeError();
    stage["canarySettings"] = std::move(settings).value();
  }
  if (auto v = json::str(body, "documentationVersion"); v && !v->empty()) {
    if (auto st = checkDocumentationVersion(ctx, apiId, *v); !st) return st.takeError();
    stage["documentationVersion"] = *v;
  }
  stage["createdDate"] = ctx.nowEpochSeconds();
  stage["lastUpdatedDate"] = ctx.nowEpochSeconds();
  if (auto st = checkNameAndDescription(stage, "stage"); !st) return st.takeError();
  saveDoc(ctx, kStage, apiId, name, stage);
  if (auto st = publishStage(ctx, apiId, stage); !st) return st.takeError();
  return reply(201, std::move(stage));
}

Result<AdminReply> createStage(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  return withApi(ctx, call.params[0], [&](const bj::object&) { return addStage(ctx, call.params[0], *body); });
}

Result<AdminReply> updateStage(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  const std::string& apiId = call.params[0];
  auto stage = loadChild(ctx, kStages, apiId, call.params[1]);
  if (!stage) return stage.takeError();
  auto canaryRest = applyCanaryOperations(ctx, apiId, *stage, *body);
  if (!canaryRest) return canaryRest.takeError();
  auto logRest = applyAccessLogOperations(*stage, *canaryRest);
  if (!logRest) return logRest.takeError();
  auto rest = applyMethodSettings(*stage, *logRest);
  if (!rest) return rest.takeError();
  if (auto st = applyPatch(*stage, *rest, kStageFields); !st) return st.takeError();
  if (auto st = settleCacheCluster(*stage); !st) return st.takeError();
  if (auto st = checkNameAndDescription(*stage, "stage"); !st) return st.takeError();
  if (auto st = checkClientCertificate(ctx, *stage); !st) return st.takeError();
  if (auto v = json::str(*stage, "documentationVersion"); v && v->empty()) {
    stage->erase("documentationVersion");  // replaced with "": the stage publishes no documentation
  } else if (v) {
    if (auto st = checkDocumentationVersion(ctx, apiId, *v); !st) return st.takeError();
  }
  std::string deploymentId = json::strOr(*stage, "deploymentId", "");
  if (!loadDoc(ctx, kDeployment, apiId, deploymentId)) {
    return ApiError::badRequest("Invalid deployment identifier specified");
  }
  (*stage)["lastUpdatedDate"] = ctx.nowEpochSeconds();
  saveDoc(ctx, kStage, apiId, call.params[1], *stage);
  if (auto st = publishStage(ctx, apiId, *stage); !st) return st.takeError();
  return reply(200, std::move(stage).value());
}

}  // namespace

void registerStageRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/stages", [&ctx](const AdminCall& call) { return createStage(ctx, call); });
  routes.add(verb::get, "restapis/{}/stages", [&ctx](const AdminCall& call) {
    return withApi(ctx, call.params[0], [&](const bj::object&) -> Result<AdminReply> {
      bj::array items;
      auto deploymentFilter = call.queryParam("deploymentId");
      for (auto& s : listDocs(ctx, kStage, call.params[0])) {
        if (!deploymentFilter || json::strOr(s, "deploymentId", "") == *deploymentFilter) {
          items.emplace_back(std::move(s));
        }
      }
      bj::object body;
      body["item"] = std::move(items);
      return reply(200, std::move(body));
    });
  });
  routes.add(verb::get, "restapis/{}/stages/{}",
             [&ctx](const AdminCall& call) { return getChild(ctx, kStages, call); });
  routes.add(verb::patch, "restapis/{}/stages/{}", [&ctx](const AdminCall& call) { return updateStage(ctx, call); });
  ChildOperations deletion;
  deletion.remove = [&ctx](const AdminCall& call) {
    ctx.store.remove(kStage, call.params[0], call.params[1]);
    ctx.registry.remove(call.params[0], call.params[1]);
    if (ctx.caches) ctx.caches->release(call.params[0], call.params[1]);
  };
  routes.add(verb::delete_, "restapis/{}/stages/{}",
             [&ctx, deletion](const AdminCall& call) { return deleteChild(ctx, kStages, call, deletion); });
}

}  // namespace portico::control::apigateway
