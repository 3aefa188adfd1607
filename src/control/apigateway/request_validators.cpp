// RequestValidator operations: CreateRequestValidator, GetRequestValidators,
// GetRequestValidator, UpdateRequestValidator, DeleteRequestValidator.
// https://docs.aws.amazon.com/apigateway/latest/api/API_RequestValidator.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
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

Result<bj::object> loadValidator(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id) {
  auto api = loadApi(ctx, apiId);
  if (!api) return api.takeError();
  auto doc = loadDoc(ctx, kRequestValidator, apiId, id);
  if (!doc) return ApiError::notFound("Invalid Request Validator identifier specified");
  return std::move(*doc);
}

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

}  // namespace

void registerRequestValidatorRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/requestvalidators", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    if (auto api = loadApi(ctx, call.params[0]); !api) return api.takeError();
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
  routes.add(verb::get, "restapis/{}/requestvalidators", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto api = loadApi(ctx, call.params[0]); !api) return api.takeError();
    return pagedList(call, listDocs(ctx, kRequestValidator, call.params[0]));
  });
  routes.add(verb::get, "restapis/{}/requestvalidators/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto v = loadValidator(ctx, call.params[0], call.params[1]);
    if (!v) return v.takeError();
    return reply(200, std::move(v).value());
  });
  routes.add(verb::patch, "restapis/{}/requestvalidators/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto v = loadValidator(ctx, call.params[0], call.params[1]);
    if (!v) return v.takeError();
    bj::object updated = *v;
    if (auto st = applyPatch(updated, *body, kValidatorFields); !st) return st.takeError();
    if (auto st = checkNameAndDescription(updated, "request validator"); !st) return st.takeError();
    saveDoc(ctx, kRequestValidator, call.params[0], call.params[1], updated);
    return reply(200, std::move(updated));
  });
  routes.add(verb::delete_, "restapis/{}/requestvalidators/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto v = loadValidator(ctx, call.params[0], call.params[1]);
    if (!v) return v.takeError();
    if (usedByAMethod(ctx, call.params[0], call.params[1])) {
      return ApiError::conflict("Cannot delete request validator " + call.params[1] +
                                " because it is referenced by a method");
    }
    ctx.store.remove(kRequestValidator, call.params[0], call.params[1]);
    return AdminReply{202, std::nullopt};
  });
}

}  // namespace portico::control::apigateway
