// Deployment operations: CreateDeployment (snapshots the API; with stageName it creates
// or repoints that stage), GetDeployments, GetDeployment, UpdateDeployment, DeleteDeployment.
// A deployment is immutable: the snapshot stored with it is what stages serve.
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateDeployment.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/input_limits.h"
#include "control/apigateway/stage_cache.h"
#include "control/apigateway/stage_canary.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// apiSummary: {path: {VERB: {authorizationType, apiKeyRequired}}}; errors if the API cannot be deployed.
Result<bj::object> summarize(const std::vector<bj::object>& resources) {
  bj::object summary;
  bool anyMethod = false;
  for (const auto& r : resources) {
    const auto* methods = json::obj(r, "resourceMethods");
    if (!methods || methods->empty()) continue;
    bj::object perPath;
    for (const auto& [verbName, m] : *methods) {
      if (!m.is_object()) continue;
      if (!m.get_object().contains("methodIntegration")) {
        return ApiError::badRequest("No integration defined for method");
      }
      anyMethod = true;
      bj::object s;
      s["authorizationType"] = json::strOr(m.get_object(), "authorizationType", "NONE");
      auto* key = m.get_object().if_contains("apiKeyRequired");
      s["apiKeyRequired"] = key && key->is_bool() && key->get_bool();
      perPath[verbName] = std::move(s);
    }
    summary[json::strOr(r, "path", "/")] = std::move(perPath);
  }
  if (!anyMethod) return ApiError::badRequest("The REST API doesn't contain any methods");
  return summary;
}

/// CreateDeployment once the API is loaded: the deployment, its snapshot and the stage it names.
Result<AdminReply> deploy(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& api,
                          const bj::object& body) {
  // A canary release deployment: to an existing stage, whose own deployment stays.
  const bj::value* canary = body.if_contains("canarySettings");
  if (canary && canary->is_null()) canary = nullptr;
  if (canary) {
    const bj::value* name = body.if_contains("stageName");
    if (!name || !name->is_string() || name->get_string().empty()) {
      return ApiError::badRequest(
          "Invalid deployment content specified.Non null and non empty stageName must be provided for canary "
          "deployment. Provided value is " +
          std::string(name && name->is_string() ? "" : "null"));
    }
    if (!loadDoc(ctx, kStage, apiId, name->get_string())) {
      return ApiError::badRequest("Invalid deployment content specified.Stage " +
                                  std::string(name->get_string()).substr(0, 128) +
                                  " must already be created before making a canary release deployment");
    }
  }
  auto resources = listDocs(ctx, kResource, apiId);
  auto summary = summarize(resources);
  if (!summary) return summary.takeError();

  std::string id = ctx.ids.alnum(6);
  bj::object deployment;
  deployment["id"] = id;
  if (auto d = json::str(body, "description")) deployment["description"] = *d;
  deployment["createdDate"] = ctx.nowEpochSeconds();
  if (auto st = checkNameAndDescription(deployment, "deployment"); !st) return st.takeError();
  if (auto d = json::str(body, "stageDescription")) {
    if (auto st = checkNameAndDescription(bj::object{{"description", *d}}, "stage"); !st) return st.takeError();
  }
  deployment["apiSummary"] = std::move(summary).value();

  bj::object snapshot = deploymentSnapshot(ctx, api, std::move(resources));

  std::optional<bj::object> stage;
  if (auto stageName = json::str(body, "stageName"); stageName && !stageName->empty()) {
    stage = loadDoc(ctx, kStage, apiId, *stageName);
    if (!stage) {
      stage = bj::object();
      (*stage)["stageName"] = *stageName;
      (*stage)["createdDate"] = ctx.nowEpochSeconds();
      (*stage)["cacheClusterEnabled"] = false;
      (*stage)["cacheClusterStatus"] = "NOT_AVAILABLE";
      (*stage)["tracingEnabled"] = false;
      (*stage)["methodSettings"] = bj::object();
      if (auto d = json::str(body, "stageDescription")) (*stage)["description"] = *d;
    }
    if (canary) {
      auto settings = canarySettings(ctx, apiId, *canary, id);
      if (!settings) return settings.takeError();
      (*stage)["canarySettings"] = std::move(settings).value();
    } else {
      (*stage)["deploymentId"] = id;
    }
    // CreateDeployment's cacheClusterEnabled / cacheClusterSize apply to the stage it deploys to.
    if (auto* c = body.if_contains("cacheClusterEnabled"); c && c->is_bool()) (*stage)["cacheClusterEnabled"] = *c;
    if (auto* size = body.if_contains("cacheClusterSize"); size && !size->is_null()) {
      (*stage)["cacheClusterSize"] = *size;
    }
    if (auto st = settleCacheCluster(*stage); !st) return st.takeError();
    (*stage)["lastUpdatedDate"] = ctx.nowEpochSeconds();
    if (auto* vars = canary ? nullptr : json::obj(body, "variables")) {
      auto& target = json::objAt(*stage, "variables");
      for (auto& [k, v] : *vars) target[k] = v;
    }
  }
  ctx.store.transaction([&] {
    saveDoc(ctx, kSnapshot, apiId, id, snapshot);
    saveDoc(ctx, kDeployment, apiId, id, deployment);
    if (stage) saveDoc(ctx, kStage, apiId, json::strOr(*stage, "stageName", ""), *stage);
  });
  if (stage) {
    if (auto st = publishStage(ctx, apiId, *stage); !st) return st.takeError();
  }
  return reply(201, std::move(deployment));
}

Result<AdminReply> createDeployment(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  return withApi(ctx, call.params[0], [&](const bj::object& api) { return deploy(ctx, call.params[0], api, *body); });
}

constexpr ChildKind kDeployments{kDeployment, "Invalid Deployment identifier specified"};
constexpr PatchField kDeploymentFields[] = {{"/description", FieldKind::kString, "description"}};

/// BadRequestException while a stage serves the deployment.
Status noStageOn(ApiGatewayContext& ctx, const AdminCall& call) {
  for (auto& stage : listDocs(ctx, kStage, call.params[0])) {
    const bj::object* canary = json::obj(stage, "canarySettings");
    if (json::strOr(stage, "deploymentId", "") == call.params[1] ||
        (canary && json::strOr(*canary, "deploymentId", "") == call.params[1])) {
      return ApiError::badRequest("Active stages pointing to this deployment must be moved or deleted");
    }
  }
  return Ok{};
}

}  // namespace

bj::object deploymentSnapshot(ApiGatewayContext& ctx, const bj::object& api, std::vector<bj::object> resources) {
  const std::string apiId = json::strOr(api, "id", "");
  auto arrayOf = [](std::vector<bj::object> docs) {
    bj::array out;
    for (auto& d : docs) out.emplace_back(std::move(d));
    return out;
  };
  bj::object snapshot;
  snapshot["api"] = api;
  snapshot["resources"] = arrayOf(std::move(resources));
  snapshot["gatewayResponses"] = arrayOf(listDocs(ctx, kGatewayResponse, apiId));
  snapshot["models"] = arrayOf(listDocs(ctx, kModel, apiId));
  snapshot["requestValidators"] = arrayOf(listDocs(ctx, kRequestValidator, apiId));
  snapshot["authorizers"] = arrayOf(listDocs(ctx, kAuthorizer, apiId));
  return snapshot;
}

void registerDeploymentRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/deployments",
             [&ctx](const AdminCall& call) { return createDeployment(ctx, call); });
  auto removeWithSnapshot = [&ctx](const AdminCall& call) {
    ctx.store.transaction([&] {
      ctx.store.remove(kDeployment, call.params[0], call.params[1]);
      ctx.store.remove(kSnapshot, call.params[0], call.params[1]);
    });
  };
  // Deployments are listed and got without their apiSummary unless ?embed=apisummary asks for it.
  auto embedded = [](const AdminCall& call, bj::object deployment) {
    bool summary = false;
    for (const auto& [k, v] : call.query) summary = summary || (k == "embed" && v == "apisummary");
    if (!summary) deployment.erase("apiSummary");
    return deployment;
  };
  routes.add(verb::get, "restapis/{}/deployments", [&ctx, embedded](const AdminCall& call) -> Result<AdminReply> {
    return withApi(ctx, call.params[0], [&](const bj::object&) {
      std::vector<bj::object> items;
      for (auto& d : listDocs(ctx, kDeployment, call.params[0])) items.push_back(embedded(call, std::move(d)));
      return pagedList(call, std::move(items));
    });
  });
  routes.add(verb::get, "restapis/{}/deployments/{}", [&ctx, embedded](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto d = loadChild(ctx, kDeployments, call.params[0], call.params[1]);
    if (!d) return d.takeError();
    return reply(200, embedded(call, std::move(d).value()));
  });
  addChildRoutes(
      routes, ctx, "deployments", kDeployments,
      {kDeploymentFields,
       [](const AdminCall&, const bj::object& d) { return checkNameAndDescription(d, "deployment"); },
       [&ctx](const AdminCall& call, const bj::object&) { return noStageOn(ctx, call); }, removeWithSnapshot});
}

}  // namespace portico::control::apigateway
