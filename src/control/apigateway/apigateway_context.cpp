#include "control/apigateway/apigateway_context.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/documentation_parts.h"
#include "control/apigateway/domain_names.h"
#include "control/apigateway/stage_cache.h"
#include "gateway/snapshot_compiler.h"

namespace portico::control::apigateway {
namespace bj = boost::json;

std::optional<bj::object> loadDoc(ApiGatewayContext& ctx, std::string_view kind, std::string_view scope,
                                  std::string_view id) {
  auto doc = ctx.store.get(kind, scope, id);
  if (!doc) return std::nullopt;
  return json::parseObject(doc->body);
}

void saveDoc(ApiGatewayContext& ctx, std::string_view kind, std::string_view scope, std::string_view id,
             const bj::object& doc) {
  ctx.store.put(store::Document{std::string(kind), std::string(scope), std::string(id), bj::serialize(doc), 0});
}

std::vector<bj::object> listDocs(ApiGatewayContext& ctx, std::string_view kind, std::string_view scope) {
  std::vector<bj::object> out;
  for (auto& d : ctx.store.list(kind, scope)) {
    if (auto o = json::parseObject(d.body)) out.push_back(std::move(*o));
  }
  return out;
}

Result<bj::object> loadApi(ApiGatewayContext& ctx, const std::string& apiId) {
  auto doc = loadDoc(ctx, kRestApi, "", apiId);
  if (!doc) return ApiError::notFound("Invalid API identifier specified " + ctx.accountId + ":" + apiId);
  return std::move(*doc);
}

Result<bj::object> loadResource(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id) {
  static constexpr ChildKind kResources{kResource, "Invalid Resource identifier specified"};
  return loadChild(ctx, kResources, apiId, id);
}

Result<AdminReply> pagedList(const AdminCall& call, std::vector<bj::object> items) {
  std::size_t limit = 25, position = 0;
  if (auto l = call.queryParam("limit")) {
    auto parsed = parseNumber<std::size_t>(*l);
    if (!parsed || *parsed < 1 || *parsed > 500) {
      return ApiError::badRequest("Invalid limit specified. Must be between 1 and 500");
    }
    limit = *parsed;
  }
  if (auto pos = call.queryParam("position"); pos && !pos->empty()) {
    auto parsed = parseNumber<std::size_t>(*pos);
    if (!parsed) return ApiError::badRequest("Invalid position specified");
    position = *parsed;
  }
  bj::array page;
  for (std::size_t i = position; i < items.size() && page.size() < limit; ++i) page.emplace_back(std::move(items[i]));
  bj::object body;
  body["item"] = std::move(page);
  if (position + limit < items.size()) body["position"] = std::to_string(position + limit);
  return AdminReply{200, bj::value(std::move(body))};
}

AdminReply reply(int status, bj::object body) {
  return AdminReply{status, bj::value(std::move(body))};
}

Status publishStage(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& stage) {
  std::string deploymentId = json::strOr(stage, "deploymentId", "");
  auto snapshot = loadDoc(ctx, kSnapshot, apiId, deploymentId);
  if (!snapshot) return ApiError::notFound("Invalid deployment identifier specified");
  // The stage's client certificate goes with it to the data plane (HTTP integrations present it).
  bj::object published = stage;
  if (auto certId = json::strOr(stage, "clientCertificateId", ""); !certId.empty()) {
    if (auto cert = loadClientCertificate(ctx, certId)) {
      published["clientCertificate"] = bj::object{{"pemEncodedCertificate", cert->at("pemEncodedCertificate")},
                                                  {"privateKeyPem", cert->at("privateKeyPem")}};
    }
  }
  std::optional<bj::object> canary;  // the canary release's deployment, when the stage has one
  if (const bj::object* settings = json::obj(stage, "canarySettings")) {
    canary = loadDoc(ctx, kSnapshot, apiId, json::strOr(*settings, "deploymentId", ""));
    if (!canary) return ApiError::notFound("Invalid deployment identifier specified");
  }
  auto compiled = gateway::compileStageWithCanary(*snapshot, published, canary ? &*canary : nullptr, ctx.templates,
                                                  stageCache(ctx, apiId, stage), ctx.metrics);
  if (!compiled) return compiled.takeError();
  ctx.registry.put(std::move(compiled).value());
  return Ok{};
}

std::size_t publishAllStages(ApiGatewayContext& ctx) {
  std::size_t n = 0;
  for (auto& api : listDocs(ctx, kRestApi, "")) {
    std::string apiId = json::strOr(api, "id", "");
    for (auto& stage : listDocs(ctx, kStage, apiId)) {
      auto st = publishStage(ctx, apiId, stage);
      if (st) {
        ++n;
      } else {
        spdlog::error("stage {}/{} not served: {}", apiId, json::strOr(stage, "stageName", ""), st.error().message);
      }
    }
  }
  return n;
}

void registerApiGatewayRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  for (RegisterRoutes* family : {registerRestApiRoutes,
                                 registerResourceRoutes,
                                 registerMethodRoutes,
                                 registerIntegrationRoutes,
                                 registerDeploymentRoutes,
                                 registerStageRoutes,
                                 registerStageCacheRoutes,
                                 registerTagRoutes,
                                 registerAccountRoutes,
                                 registerGatewayResponseRoutes,
                                 registerModelRoutes,
                                 registerApiKeyRoutes,
                                 registerAuthorizerRoutes,
                                 registerTestInvokeAuthorizerRoutes,
                                 registerTestInvokeMethodRoutes,
                                 registerUsagePlanRoutes,
                                 registerRequestValidatorRoutes,
                                 registerDomainNameRoutes,
                                 registerBasePathMappingRoutes,
                                 registerClientCertificateRoutes,
                                 registerOpenApiRoutes,
                                 registerDocumentationPartRoutes,
                                 registerDocumentationVersionRoutes,
                                 registerVpcLinkRoutes}) {
    family(routes, ctx);
  }
}

}  // namespace portico::control::apigateway
