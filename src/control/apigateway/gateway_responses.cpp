// Gateway response operations: PutGatewayResponse, GetGatewayResponse, GetGatewayResponses,
// UpdateGatewayResponse, DeleteGatewayResponse. Types never customised are reported with
// their defaults (defaultResponse: true). Changes take effect with the next deployment.
// https://docs.aws.amazon.com/apigateway/latest/api/API_GatewayResponse.html
#include "gateway/gateway_responses.h"

#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/child_resource.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kGatewayResponseFields[] = {
    {"/statusCode", FieldKind::kString, "statusCode"},
    {"/responseParameters", FieldKind::kStringMap, "responseParameters"},
    {"/responseTemplates", FieldKind::kStringMap, "responseTemplates"},
};

Result<const gateway::ResponseTypeInfo*> responseType(std::string_view type) {
  if (auto* info = gateway::findResponseType(type)) return info;
  std::string names;
  for (const auto& t : gateway::responseTypes()) names += (names.empty() ? "" : ", ") + std::string(t.type);
  return ApiError{"BadRequestException", 400,
                  "1 validation error detected: Value '" + std::string(type) +
                      "' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [" +
                      names + "]"};
}

/// A type's stored customisation, or its default.
bj::object describe(ApiGatewayContext& ctx, const std::string& apiId, const gateway::ResponseTypeInfo& info) {
  if (auto doc = loadDoc(ctx, kGatewayResponse, apiId, info.type)) return *doc;
  bj::object out{{"responseType", info.type},
                 {"responseParameters", bj::object()},
                 {"responseTemplates", bj::object{{"application/json", gateway::kDefaultGatewayTemplate}}},
                 {"defaultResponse", true}};
  if (info.status) out["statusCode"] = std::to_string(info.status);
  return out;
}

Status validate(ApiGatewayContext& ctx, const bj::object& doc) {
  static const RE2 kStatus(R"([1-5]\d\d)");
  static const RE2 kTarget(R"(gatewayresponse\.header\.[a-zA-Z0-9._$-]+)");
  static const RE2 kSource(
      R"(method\.request\.(header|path|querystring|multivalueheader|multivaluequerystring)\.[a-zA-Z0-9._$-]+|)"
      R"(stageVariables\.[a-zA-Z0-9_]+|context\.[a-zA-Z0-9._]+|'[^']*')");
  if (auto s = json::str(doc, "statusCode"); s && !RE2::FullMatch(*s, kStatus)) {
    return ApiError::badRequest("Invalid status code specified: " + *s);
  }
  if (auto* params = json::obj(doc, "responseParameters")) {
    for (auto& [k, v] : *params) {
      std::string_view key(k.data(), k.size());
      if (!RE2::FullMatch(key, kTarget) || !v.is_string() ||
          !RE2::FullMatch(std::string_view(v.get_string()), kSource)) {
        return ApiError::badRequest("Invalid mapping expression specified: " + std::string(key));
      }
    }
  }
  if (auto* templates = json::obj(doc, "responseTemplates")) {
    for (auto& [type, text] : *templates) {
      if (!text.is_string()) return ApiError::badRequest("Invalid mapping template specified for " + std::string(type));
      auto compiled = ctx.templates.compile(text.get_string());
      if (!compiled) return compiled.takeError();
    }
  }
  return Ok{};
}

/// Runs op(type) with ctx.mu held once the type (call.params[1]) is known and the API loaded.
template <class Op>
Result<AdminReply> withType(ApiGatewayContext& ctx, const AdminCall& call, Op&& op) {
  auto info = responseType(call.params[1]);
  if (!info) return info.takeError();
  return withApi(ctx, call.params[0], [&](const bj::object&) { return op(**info); });
}

Result<AdminReply> putResponse(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  return withType(ctx, call, [&](const gateway::ResponseTypeInfo& info) -> Result<AdminReply> {
    auto doc = gatewayResponseDocument(ctx, info.type, *body);
    if (!doc) return doc.takeError();
    saveDoc(ctx, kGatewayResponse, call.params[0], info.type, *doc);
    return reply(201, std::move(doc).value());
  });
}

Result<AdminReply> patchResponse(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  return withType(ctx, call, [&](const gateway::ResponseTypeInfo& info) -> Result<AdminReply> {
    bj::object doc = describe(ctx, call.params[0], info);
    if (auto st = applyPatch(doc, *body, kGatewayResponseFields); !st) return st.takeError();
    doc["defaultResponse"] = false;
    if (auto st = validate(ctx, doc); !st) return st.takeError();
    saveDoc(ctx, kGatewayResponse, call.params[0], info.type, doc);
    return reply(200, std::move(doc));
  });
}

}  // namespace

Result<bj::object> gatewayResponseDocument(ApiGatewayContext& ctx, std::string_view type, const bj::object& body) {
  auto info = responseType(type);
  if (!info) return info.takeError();
  bj::object doc{{"responseType", (*info)->type}, {"defaultResponse", false}};
  if (auto s = json::str(body, "statusCode")) doc["statusCode"] = *s;
  auto* parameters = json::obj(body, "responseParameters");
  doc["responseParameters"] = parameters ? *parameters : bj::object();
  auto* templates = json::obj(body, "responseTemplates");
  doc["responseTemplates"] = templates ? *templates : bj::object();
  if (auto st = validate(ctx, doc); !st) return st.takeError();
  return doc;
}

void registerGatewayResponseRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::get, "restapis/{}/gatewayresponses", [&ctx](const AdminCall& call) {
    return withApi(ctx, call.params[0], [&](const bj::object&) {
      std::vector<bj::object> items;
      for (const auto& info : gateway::responseTypes()) items.push_back(describe(ctx, call.params[0], info));
      return pagedList(call, std::move(items));
    });
  });
  routes.add(verb::put, "restapis/{}/gatewayresponses/{}",
             [&ctx](const AdminCall& call) { return putResponse(ctx, call); });
  routes.add(verb::get, "restapis/{}/gatewayresponses/{}", [&ctx](const AdminCall& call) {
    return withType(ctx, call, [&](const gateway::ResponseTypeInfo& info) -> Result<AdminReply> {
      return reply(200, describe(ctx, call.params[0], info));
    });
  });
  routes.add(verb::patch, "restapis/{}/gatewayresponses/{}",
             [&ctx](const AdminCall& call) { return patchResponse(ctx, call); });
  routes.add(verb::delete_, "restapis/{}/gatewayresponses/{}", [&ctx](const AdminCall& call) {
    return withType(ctx, call, [&](const gateway::ResponseTypeInfo& info) -> Result<AdminReply> {
      if (!loadDoc(ctx, kGatewayResponse, call.params[0], info.type)) {
        return ApiError::notFound("Invalid Gateway Response specified");
      }
      ctx.store.remove(kGatewayResponse, call.params[0], info.type);
      return AdminReply{202, std::nullopt};
    });
  });
}

}  // namespace portico::control::apigateway
