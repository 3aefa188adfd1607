// Authorizer operations: CreateAuthorizer, GetAuthorizers, GetAuthorizer, UpdateAuthorizer,
// DeleteAuthorizer. Lambda authorizers (TOKEN, REQUEST) name their function by a Lambda
// invocation URI; COGNITO_USER_POOLS ones list their pools in providerARNs. Changes take
// effect with the next deployment.
// https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "common/string_list.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kAuthorizerFields[] = {
    {"/name", FieldKind::kString, "name"},
    {"/type", FieldKind::kString, "type"},
    {"/authorizerUri", FieldKind::kString, "authorizerUri"},
    {"/authorizerCredentials", FieldKind::kString, "authorizerCredentials"},
    {"/identitySource", FieldKind::kString, "identitySource"},
    {"/identityValidationExpression", FieldKind::kString, "identityValidationExpression"},
    {"/authorizerResultTtlInSeconds", FieldKind::kInt, "authorizerResultTtlInSeconds"},
    {"/providerARNs", FieldKind::kStringList, "providerARNs"},
    {"/authType", FieldKind::kString, "authType"},
};

Status validateAuthorizer(const bj::object& a) {
  static const RE2 kLambdaUri(R"(arn:aws:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/.+/invocations)");
  static const RE2 kSource(
      R"((method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.[a-zA-Z0-9._$-]+|)"
      R"(stageVariables\.[a-zA-Z0-9_]+|context\.[a-zA-Z0-9._]+))");
  std::string type = json::strOr(a, "type", "");
  if (type != "TOKEN" && type != "REQUEST" && type != "COGNITO_USER_POOLS") {
    return ApiError::badRequest(
        "Invalid authorizer type specified. Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS");
  }
  if (json::strOr(a, "name", "").empty()) return ApiError::badRequest("Invalid authorizer name specified");
  if (auto st = checkNameAndDescription(a, "authorizer"); !st) return st;
  if (type == "COGNITO_USER_POOLS") {
    auto* arns = a.if_contains("providerARNs");
    if (!arns || !arns->is_array() || arns->get_array().empty()) {
      return ApiError::badRequest("ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers.");
    }
  } else if (!RE2::FullMatch(json::strOr(a, "authorizerUri", ""), kLambdaUri)) {
    return ApiError::badRequest("Invalid Authorizer URI specified: " + json::strOr(a, "authorizerUri", ""));
  }
  std::string sources = json::strOr(a, "identitySource", "");
  if (type != "REQUEST" && sources.empty()) {
    return ApiError::badRequest("Identity Source must be specified for " + type + " authorizers");
  }
  for (const auto& one : splitList(sources)) {
    bool ok = type == "REQUEST" ? RE2::FullMatch(one, kSource)
                                : RE2::FullMatch(one, R"(method\.request\.header\.[a-zA-Z0-9._$-]+)");
    if (!ok) return ApiError::badRequest("Invalid identity source specified: " + one);
  }
  if (auto expr = json::str(a, "identityValidationExpression"); expr && !expr->empty()) {
    re2::RE2 re(*expr, re2::RE2::Quiet);
    if (!re.ok()) return ApiError::badRequest("Invalid identity validation expression specified: " + *expr);
  }
  auto* ttl = a.if_contains("authorizerResultTtlInSeconds");
  if (ttl && (!ttl->is_int64() || ttl->get_int64() < 0 || ttl->get_int64() > 3600)) {
    return ApiError::badRequest("Invalid authorizer result TTL specified. Must be between 0 and 3600 seconds");
  }
  return Ok{};
}

Result<bj::object> loadAuthorizer(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id) {
  auto api = loadApi(ctx, apiId);
  if (!api) return api.takeError();
  auto doc = loadDoc(ctx, kAuthorizer, apiId, id);
  if (!doc) return ApiError::notFound("Invalid authorizer identifier specified");
  return std::move(*doc);
}

}  // namespace

void registerAuthorizerRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/authorizers", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    if (auto api = loadApi(ctx, call.params[0]); !api) return api.takeError();
    bj::object a{{"id", ctx.ids.alnum(6)}, {"authorizerResultTtlInSeconds", 300}};
    for (auto key : {"name", "type", "authorizerUri", "authorizerCredentials", "identitySource",
                     "identityValidationExpression", "authType"}) {
      if (auto s = json::str(*body, key)) a[key] = *s;
    }
    if (auto* ttl = body->if_contains("authorizerResultTtlInSeconds")) a["authorizerResultTtlInSeconds"] = *ttl;
    if (auto* arns = body->if_contains("providerARNs"); arns && arns->is_array()) a["providerARNs"] = *arns;
    if (auto st = validateAuthorizer(a); !st) return st.takeError();
    saveDoc(ctx, kAuthorizer, call.params[0], json::strOr(a, "id", ""), a);
    return reply(201, std::move(a));
  });
  routes.add(verb::get, "restapis/{}/authorizers", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto api = loadApi(ctx, call.params[0]); !api) return api.takeError();
    return pagedList(call, listDocs(ctx, kAuthorizer, call.params[0]));
  });
  routes.add(verb::get, "restapis/{}/authorizers/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto a = loadAuthorizer(ctx, call.params[0], call.params[1]);
    if (!a) return a.takeError();
    return reply(200, std::move(a).value());
  });
  routes.add(verb::patch, "restapis/{}/authorizers/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto a = loadAuthorizer(ctx, call.params[0], call.params[1]);
    if (!a) return a.takeError();
    bj::object updated = *a;
    if (auto st = applyPatch(updated, *body, kAuthorizerFields); !st) return st.takeError();
    if (auto st = validateAuthorizer(updated); !st) return st.takeError();
    saveDoc(ctx, kAuthorizer, call.params[0], call.params[1], updated);
    return reply(200, std::move(updated));
  });
  routes.add(verb::delete_, "restapis/{}/authorizers/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto a = loadAuthorizer(ctx, call.params[0], call.params[1]);
    if (!a) return a.takeError();
    for (auto& resource : listDocs(ctx, kResource, call.params[0])) {
      if (auto* methods = json::obj(resource, "resourceMethods")) {
        for (auto& [verbName, m] : *methods) {
          if (m.is_object() && json::strOr(m.get_object(), "authorizerId", "") == call.params[1]) {
            return ApiError::conflict("Cannot delete authorizer '" + json::strOr(*a, "name", "") +
                                      "', is referenced in method: " + std::string(verbName) + ":" +
                                      json::strOr(resource, "path", "/"));
          }
        }
      }
    }
    ctx.store.remove(kAuthorizer, call.params[0], call.params[1]);
    return AdminReply{202, std::nullopt};
  });
}

}  // namespace portico::control::apigateway
