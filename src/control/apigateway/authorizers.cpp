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
#include "control/apigateway/child_resource.h"
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

constexpr ChildKind kAuthorizers{kAuthorizer, "Invalid authorizer identifier specified"};

/// ConflictException while a method names the authorizer.
Status notInUse(ApiGatewayContext& ctx, const AdminCall& call, const bj::object& authorizer) {
  for (auto& resource : listDocs(ctx, kResource, call.params[0])) {
    if (auto* methods = json::obj(resource, "resourceMethods")) {
      for (auto& [verbName, m] : *methods) {
        if (m.is_object() && json::strOr(m.get_object(), "authorizerId", "") == call.params[1]) {
          return ApiError::conflict("Cannot delete authorizer '" + json::strOr(authorizer, "name", "") +
                                    "', is referenced in method: " + std::string(verbName) + ":" +
                                    json::strOr(resource, "path", "/"));
        }
      }
    }
  }
  return Ok{};
}

Result<AdminReply> createAuthorizer(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  return withApi(ctx, call.params[0], [&](const bj::object&) -> Result<AdminReply> {
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
}

}  // namespace

void registerAuthorizerRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/authorizers",
             [&ctx](const AdminCall& call) { return createAuthorizer(ctx, call); });
  addChildRoutes(routes, ctx, "authorizers", kAuthorizers,
                 {kAuthorizerFields,
                  [](const AdminCall&, const bj::object& a) { return validateAuthorizer(a); },
                  [&ctx](const AdminCall& call, const bj::object& a) { return notInUse(ctx, call, a); },
                  {}});
}

}  // namespace portico::control::apigateway
