// Method and MethodResponse operations: Put/Get/Update/DeleteMethod and
// Put/Get/Update/DeleteMethodResponse.
// https://docs.aws.amazon.com/apigateway/latest/api/API_Method.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/method_access.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;

bool isValidHttpMethod(std::string_view m) {
  for (auto v : {"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"}) {
    if (m == v) return true;
  }
  return false;
}

bool isValidStatusCode(std::string_view code) {
  return code.size() == 3 && code[0] >= '1' && code[0] <= '5' && std::isdigit(static_cast<unsigned char>(code[1])) &&
         std::isdigit(static_cast<unsigned char>(code[2]));
}

bj::object& MethodRef::method() {
  return json::objAt(json::objAt(resource, "resourceMethods"), httpMethod);
}

void MethodRef::save(ApiGatewayContext& ctx) const {
  saveDoc(ctx, kResource, apiId, resourceId, resource);
}

Result<MethodRef> loadMethod(ApiGatewayContext& ctx, const std::string& apiId, const std::string& resourceId,
                             const std::string& httpMethod) {
  auto r = loadResource(ctx, apiId, resourceId);
  if (!r) return r.takeError();
  auto* methods = json::obj(*r, "resourceMethods");
  if (!methods || !methods->contains(httpMethod)) return ApiError::notFound("Invalid Method identifier specified");
  return MethodRef{std::move(r).value(), apiId, resourceId, httpMethod};
}

namespace {

const char* kInvalidMethod =
    "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY";

/// authorizationType in any case is stored upper-case, as API Gateway stores it.
void normalizeMethod(bj::object& m) {
  if (auto* a = m.if_contains("authorizationType"); a && a->is_string()) {
    std::string upper(a->get_string());
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    *a = upper;
  }
}

Status validateMethod(const bj::object& m) {
  static const RE2 kParam(
      R"(method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[^\s]+)");
  auto auth = json::strOr(m, "authorizationType", "NONE");
  if (auth != "NONE" && auth != "AWS_IAM" && auth != "CUSTOM" && auth != "COGNITO_USER_POOLS") {
    return ApiError::badRequest(
        "Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS");
  }
  if ((auth == "CUSTOM" || auth == "COGNITO_USER_POOLS") && !json::str(m, "authorizerId")) {
    return ApiError::badRequest("Invalid authorizer ID specified. Setting the authorization type to " + auth +
                                " requires a valid authorizer.");
  }
  if (auto* params = json::obj(m, "requestParameters")) {
    for (auto& [k, v] : *params) {
      if (!RE2::FullMatch(std::string_view(k.data(), k.size()), kParam)) {
        return ApiError::badRequest("Invalid method parameter specified: " + std::string(k));
      }
    }
  }
  return Ok{};
}

/// The validator and models a method names must exist in its API.
Status validateMethodReferences(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& m) {
  auto auth = json::strOr(m, "authorizationType", "NONE");
  if ((auth == "CUSTOM" || auth == "COGNITO_USER_POOLS") &&
      !loadDoc(ctx, kAuthorizer, apiId, json::strOr(m, "authorizerId", ""))) {
    return ApiError::badRequest("Invalid authorizer ID specified. Setting the authorization type to " + auth +
                                " requires a valid authorizer.");
  }
  if (auto v = json::str(m, "requestValidatorId"); v && !v->empty() && !loadDoc(ctx, kRequestValidator, apiId, *v)) {
    return ApiError::badRequest("Invalid Request Validator identifier specified");
  }
  if (auto* models = json::obj(m, "requestModels")) {
    for (auto& [type, name] : *models) {
      if (!name.is_string() || !loadDoc(ctx, kModel, apiId, std::string(name.get_string()))) {
        return ApiError::badRequest("Invalid model identifier specified: " +
                                    (name.is_string() ? std::string(name.get_string()) : std::string()));
      }
    }
  }
  return Ok{};
}

constexpr PatchField kMethodFields[] = {
    {"/authorizationType", FieldKind::kString, "authorizationType"},
    {"/authorizerId", FieldKind::kString, "authorizerId"},
    {"/apiKeyRequired", FieldKind::kBool, "apiKeyRequired"},
    {"/requestValidatorId", FieldKind::kString, "requestValidatorId"},
    {"/operationName", FieldKind::kString, "operationName"},
    {"/requestParameters", FieldKind::kBoolMap, "requestParameters"},
    {"/requestModels", FieldKind::kStringMap, "requestModels"},
    {"/authorizationScopes", FieldKind::kStringList, "authorizationScopes"},
};

constexpr PatchField kMethodResponseFields[] = {
    {"/responseParameters", FieldKind::kBoolMap, "responseParameters"},
    {"/responseModels", FieldKind::kStringMap, "responseModels"},
};

Result<AdminReply> putMethod(ApiGatewayContext& ctx, const AdminCall& call) {
  const std::string& verbName = call.params[2];
  if (!isValidHttpMethod(verbName)) return ApiError::badRequest(kInvalidMethod);
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  auto r = loadResource(ctx, call.params[0], call.params[1]);
  if (!r) return r.takeError();
  auto& methods = json::objAt(*r, "resourceMethods");
  if (methods.contains(verbName)) return ApiError::conflict("Method already exists for this resource");
  bj::object m;
  m["httpMethod"] = verbName;
  m["authorizationType"] = json::strOr(*body, "authorizationType", "NONE");
  m["apiKeyRequired"] = false;
  if (auto* k = body->if_contains("apiKeyRequired"); k && k->is_bool()) m["apiKeyRequired"] = *k;
  for (auto key : {"authorizerId", "requestValidatorId", "operationName"}) {
    if (auto s = json::str(*body, key)) m[key] = *s;
  }
  for (auto key : {"requestParameters", "requestModels"}) {
    if (auto* o = json::obj(*body, key)) m[key] = *o;
  }
  if (auto* scopes = body->if_contains("authorizationScopes"); scopes && scopes->is_array()) {
    m["authorizationScopes"] = *scopes;
  }
  normalizeMethod(m);
  if (auto st = validateMethod(m); !st) return st.takeError();
  if (auto st = validateMethodReferences(ctx, call.params[0], m); !st) return st.takeError();
  methods[verbName] = m;
  saveDoc(ctx, kResource, call.params[0], call.params[1], *r);
  return reply(201, std::move(m));
}

Result<AdminReply> putMethodResponse(ApiGatewayContext& ctx, const AdminCall& call) {
  const std::string& code = call.params[3];
  if (!isValidStatusCode(code)) return ApiError::badRequest("Invalid status code specified: " + code);
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
  if (!ref) return ref.takeError();
  bj::object mr;
  mr["statusCode"] = code;
  for (auto key : {"responseParameters", "responseModels"}) {
    if (auto* o = json::obj(*body, key)) mr[key] = *o;
  }
  json::objAt(ref->method(), "methodResponses")[code] = mr;
  ref->save(ctx);
  return reply(201, std::move(mr));
}

/// Runs fn on an existing method response and saves; NotFound if absent.
template <typename Fn>
Result<AdminReply> withMethodResponse(ApiGatewayContext& ctx, const AdminCall& call, Fn&& fn) {
  std::lock_guard lock(ctx.mu);
  auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
  if (!ref) return ref.takeError();
  auto* responses = json::obj(ref->method(), "methodResponses");
  auto* mr = responses ? responses->if_contains(call.params[3]) : nullptr;
  if (!mr || !mr->is_object()) return ApiError::notFound("Invalid Response status code specified");
  return fn(*ref, *responses, mr->get_object());
}

}  // namespace

void registerMethodRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  constexpr std::string_view kMethod = "restapis/{}/resources/{}/methods/{}";
  constexpr std::string_view kResponse = "restapis/{}/resources/{}/methods/{}/responses/{}";

  routes.add(verb::put, kMethod, [&ctx](const AdminCall& call) { return putMethod(ctx, call); });
  routes.add(verb::get, kMethod, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
    if (!ref) return ref.takeError();
    return reply(200, ref->method());
  });
  routes.add(verb::patch, kMethod, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
    if (!ref) return ref.takeError();
    bj::object updated = ref->method();
    if (auto st = applyPatch(updated, *body, kMethodFields); !st) return st.takeError();
    normalizeMethod(updated);
    if (auto st = validateMethod(updated); !st) return st.takeError();
    if (auto st = validateMethodReferences(ctx, call.params[0], updated); !st) return st.takeError();
    ref->method() = updated;
    ref->save(ctx);
    return reply(200, std::move(updated));
  });
  routes.add(verb::delete_, kMethod, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
    if (!ref) return ref.takeError();
    json::objAt(ref->resource, "resourceMethods").erase(call.params[2]);
    ref->save(ctx);
    return AdminReply{204, std::nullopt};
  });

  routes.add(verb::put, kResponse, [&ctx](const AdminCall& call) { return putMethodResponse(ctx, call); });
  routes.add(verb::get, kResponse, [&ctx](const AdminCall& call) {
    return withMethodResponse(
        ctx, call, [](MethodRef&, bj::object&, bj::object& mr) -> Result<AdminReply> { return reply(200, mr); });
  });
  routes.add(verb::patch, kResponse, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    return withMethodResponse(ctx, call, [&](MethodRef& ref, bj::object&, bj::object& mr) -> Result<AdminReply> {
      if (auto st = applyPatch(mr, *body, kMethodResponseFields); !st) return st.takeError();
      ref.save(ctx);
      return reply(201, mr);
    });
  });
  routes.add(verb::delete_, kResponse, [&ctx](const AdminCall& call) {
    return withMethodResponse(ctx, call, [&](MethodRef& ref, bj::object& all, bj::object&) -> Result<AdminReply> {
      all.erase(call.params[3]);
      ref.save(ctx);
      return AdminReply{204, std::nullopt};
    });
  });
}

}  // namespace portico::control::apigateway
