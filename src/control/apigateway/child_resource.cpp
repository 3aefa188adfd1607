#include "control/apigateway/child_resource.h"

#include <boost/json.hpp>

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;

Result<bj::object> loadChild(ApiGatewayContext& ctx, const ChildKind& kind, const std::string& apiId,
                             const std::string& id) {
  auto api = loadApi(ctx, apiId);
  if (!api) return api.takeError();
  auto doc = loadDoc(ctx, kind.kind, apiId, id);
  if (!doc) return ApiError::notFound(std::string(kind.notFound) + (kind.notFoundNamesId ? id : ""));
  return std::move(*doc);
}

Result<AdminReply> listChildren(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call) {
  return withApi(ctx, call.params[0],
                 [&](const bj::object&) { return pagedList(call, listDocs(ctx, kind.kind, call.params[0])); });
}

Result<AdminReply> getChild(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call) {
  std::lock_guard lock(ctx.mu);
  auto doc = loadChild(ctx, kind, call.params[0], call.params[1]);
  if (!doc) return doc.takeError();
  return reply(200, std::move(doc).value());
}

Result<AdminReply> patchChild(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call,
                              const ChildOperations& ops) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadChild(ctx, kind, call.params[0], call.params[1]);
  if (!doc) return doc.takeError();
  if (auto st = applyPatch(*doc, *body, ops.patchFields); !st) return st.takeError();
  if (ops.checkPatched) {
    if (auto st = ops.checkPatched(call, *doc); !st) return st.takeError();
  }
  saveDoc(ctx, kind.kind, call.params[0], call.params[1], *doc);
  return reply(200, std::move(doc).value());
}

Result<AdminReply> deleteChild(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call,
                               const ChildOperations& ops) {
  std::lock_guard lock(ctx.mu);
  auto doc = loadChild(ctx, kind, call.params[0], call.params[1]);
  if (!doc) return doc.takeError();
  if (ops.mayDelete) {
    if (auto st = ops.mayDelete(call, *doc); !st) return st.takeError();
  }
  if (ops.remove) {
    ops.remove(call);
  } else {
    ctx.store.remove(kind.kind, call.params[0], call.params[1]);
  }
  return AdminReply{202, std::nullopt};
}

void addChildRoutes(RouteTable& routes, ApiGatewayContext& ctx, std::string_view collection, ChildKind kind,
                    ChildOperations ops) {
  const std::string list = "restapis/{}/" + std::string(collection), one = list + "/{}";
  routes.add(verb::get, list, [&ctx, kind](const AdminCall& call) { return listChildren(ctx, kind, call); });
  routes.add(verb::get, one, [&ctx, kind](const AdminCall& call) { return getChild(ctx, kind, call); });
  routes.add(verb::patch, one, [&ctx, kind, ops](const AdminCall& call) { return patchChild(ctx, kind, call, ops); });
  routes.add(verb::delete_, one,
             [&ctx, kind, ops](const AdminCall& call) { return deleteChild(ctx, kind, call, ops); });
}

}  // namespace portico::control::apigateway
