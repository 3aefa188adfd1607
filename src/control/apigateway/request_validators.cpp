// RequestValidator operations: CreateRequestValidator, GetRequestValidators,
// GetRequestValidator, UpdateRequestValidator, DeleteRequestValidator.
// https://docs.aws.amazon.com/apigateway/latest/api/API_RequestValidator.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kValidatorFields[] = {
    {"/name", FieldKind::kString, "name"},
    {"/validateRequestBody", FieldKind::kBool, "validateRequestBody"},
    {"/validateRequestParameters", FieldKind::kBool, "validateRequestParameters"},
};

constexpr ChildKind kValidators{kRequestValidator, "Invalid Request Validator identifier specified"};

bool usedByAMethod(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id) {
  for (auto& resource : listDocs(ctx, kResource, apiId)) {
    if (auto* methods = json::obj(resource, "resourceMethods")) {
      for (auto& [verbName, m] : *methods) {
        if (m.is_object() && json::strOr(m.get_object(), "requestValidatorId", "") == id) return true;
      }
    }
  }
  return false;
}

/// ConflictException while a method uses the validator.
Status notInUse(ApiGatewayContext& ctx, const AdminCall& call) {
  if (!usedByAMethod(ctx, call.params[0], call.params[1])) return Ok{};
  return ApiError::conflict("Cannot delete request validator " + call.params[1] +
                            " because it is referenced by a method");
}

Result<AdminReply> createValidator(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  return withApi(ctx, call.params[0], [&](const bj::object&) -> Result<AdminReply> {
    bj::object v{{"id", ctx.ids.alnum(6)},
                 {"name", json::strOr(*body, "name", "")},
                 {"validateRequestBody", false},
                 {"validateRequestParameters", false}};
    for (auto key : {"validateRequestBody", "validateRequestParameters"}) {
      if (auto* b = body->if_contains(key); b && b->is_bool()) v[key] = *b;
    }
    if (auto st = checkNameAndDescription(v, "request validator"); !st) return st.takeError();
    saveDoc(ctx, kRequestValidator, call.params[0], json::strOr(v, "id", ""), v);
    return reply(201, std::move(v));
  });
}

}  // namespace

void registerRequestValidatorRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/requestvalidators",
             [&ctx](const AdminCall& call) { return createValidator(ctx, call); });
  addChildRoutes(routes, ctx, "requestvalidators", kValidators,
                 {kValidatorFields,
                  [](const AdminCall&, const bj::object& v) { return checkNameAndDescription(v, "request validator"); },
                  [&ctx](const AdminCall& call, const bj::object&) { return notInUse(ctx, call); },
                  {}});
}

}  // namespace portico::control::apigateway
