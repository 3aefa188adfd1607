// RestApi operations: CreateRestApi, GetRestApis, GetRestApi, UpdateRestApi, DeleteRestApi.
// https://docs.aws.amazon.com/apigateway/latest/api/API_RestApi.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"
#include "gateway/stage_caches.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kRestApiFields[] = {
    {"/name", FieldKind::kString, "name"},
    {"/description", FieldKind::kString, "description"},
    {"/version", FieldKind::kString, "version"},
    {"/apiKeySource", FieldKind::kString, "apiKeySource"},
    {"/policy", FieldKind::kString, "policy"},
    {"/minimumCompressionSize", FieldKind::kInt, "minimumCompressionSize"},
    {"/disableExecuteApiEndpoint", FieldKind::kBool, "disableExecuteApiEndpoint"},
    {"/binaryMediaTypes", FieldKind::kStringList, "binaryMediaTypes"},
};

Status validateApi(const bj::object& api) {
  auto source = json::strOr(api, "apiKeySource", "HEADER");
  if (source != "HEADER" && source != "AUTHORIZER") {
    return ApiError::badRequest("Invalid API Key source specified. Valid options are HEADER,AUTHORIZER");
  }
  if (auto name = json::str(api, "name"); !name || name->empty()) {
    return ApiError::badRequest("Invalid REST API name specified");
  }
  if (auto st = checkNameAndDescription(api, "REST API"); !st) return st;
  return checkResourcePolicy(api);
}

Result<AdminReply> createRestApi(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  bj::object api;
  api["id"] = ctx.ids.alnum(10);
  api["name"] = json::strOr(*body, "name", "");
  if (auto d = json::str(*body, "description")) api["description"] = *d;
  if (auto v = json::str(*body, "version")) api["version"] = *v;
  api["createdDate"] = ctx.nowEpochSeconds();
  bj::array binary;
  if (auto* b = body->if_contains("binaryMediaTypes"); b && b->is_array()) {
    for (auto& t : b->get_array()) {
      if (t.is_string()) binary.push_back(t);
    }
  }
  if (!binary.empty()) api["binaryMediaTypes"] = std::move(binary);
  if (auto* m = body->if_contains("minimumCompressionSize"); m && m->is_int64()) api["minimumCompressionSize"] = *m;
  api["apiKeySource"] = json::strOr(*body, "apiKeySource", "HEADER");
  if (auto st = checkEnumValue(json::strOr(api, "apiKeySource", ""), "createRestApiInput.apiKeySource",
                               {"HEADER", "AUTHORIZER"});
      !st) {
    return st.takeError();
  }
  bj::object endpoint;
  endpoint["types"] = bj::array{"EDGE"};
  if (auto* e = json::obj(*body, "endpointConfiguration")) {
    if (auto* t = e->if_contains("types"); t && t->is_array() && !t->get_array().empty()) {
      for (const auto& type : t->get_array()) {
        const std::string value = type.is_string() ? std::string(type.get_string()) : bj::serialize(type);
        if (auto st = checkEnumValue(value, "createRestApiInput.endpointConfiguration.types",
                                     {"REGIONAL", "EDGE", "PRIVATE"});
            !st) {
          return st.takeError();
        }
      }
      endpoint["types"] = *t;
    }
  }
  api["endpointConfiguration"] = std::move(endpoint);
  if (auto p = json::str(*body, "policy")) api["policy"] = *p;
  if (auto* tags = json::obj(*body, "tags")) api["tags"] = *tags;
  api["disableExecuteApiEndpoint"] = false;
  if (auto* d = body->if_contains("disableExecuteApiEndpoint"); d && d->is_bool()) {
    api["disableExecuteApiEndpoint"] = *d;
  }
  if (auto st = validateApi(api); !st) return st.takeError();

  std::string rootId = ctx.ids.alnum(10);
  api["rootResourceId"] = rootId;
  std::string apiId(api["id"].get_string());
  bj::object root;
  root["id"] = rootId;
  root["path"] = "/";
  ctx.store.transaction([&] {
    saveDoc(ctx, kRestApi, "", apiId, api);
    saveDoc(ctx, kResource, apiId, rootId, root);
    createDefaultModels(ctx, apiId);
  });
  return reply(201, std::move(api));
}

}  // namespace

void registerRestApiRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis",
             [&ctx](const AdminCall& call) { return importOrCreateRestApi(ctx, call, &createRestApi); });

  routes.add(verb::get, "restapis", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    return pagedList(call, listDocs(ctx, kRestApi, ""));
  });

  routes.add(verb::get, "restapis/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto api = loadApi(ctx, call.params[0]);
    if (!api) return api.takeError();
    return reply(200, std::move(api).value());
  });

  routes.add(verb::patch, "restapis/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto api = loadApi(ctx, call.params[0]);
    if (!api) return api.takeError();
    if (auto st = applyPatch(*api, *body, kRestApiFields); !st) return st.takeError();
    if (auto st = validateApi(*api); !st) return st.takeError();
    saveDoc(ctx, kRestApi, "", call.params[0], *api);
    return reply(200, std::move(api).value());
  });

  routes.add(verb::delete_, "restapis/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto api = loadApi(ctx, call.params[0]);
    if (!api) return api.takeError();
    ctx.store.transaction([&] {
      ctx.store.removeScope(call.params[0]);
      ctx.store.remove(kRestApi, "", call.params[0]);
    });
    ctx.registry.removeApi(call.params[0]);
    if (ctx.caches) ctx.caches->releaseApi(call.params[0]);
    return AdminReply{202, std::nullopt};
  });
}

}  // namespace portico::control::apigateway
