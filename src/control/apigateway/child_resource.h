// ChildResource: what the operations on the documents under a REST API (authorizers, models,
// request validators, deployments, stages, resources) share: the REST API must exist
// (NotFoundException "Invalid API identifier specified {account}:{api}"), then the child
// (NotFoundException in the kind's own words); lists are paged by position and limit; a patch is
// applied, checked and saved. Every operation holds ctx.mu from the first load to the last save.
#pragma once
#include <boost/json/object.hpp>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/apigateway/apigateway_context.h"
#include "control/patch_operations.h"
#include "control/route_table.h"

namespace portico::control::apigateway {

/// One kind of document stored under a REST API (the store scope is the API's id).
struct ChildKind {
  std::string_view kind;         // the store kind, e.g. kAuthorizer
  std::string_view notFound;     // the NotFoundException message for an unknown id
  bool notFoundNamesId = false;  // the message goes on with the id ("Invalid model name specified: Pet")
};

/// A REST API's stages (the stage operations and the stage cache's flushes).
inline constexpr ChildKind kStages{kStage, "Invalid Stage identifier specified"};

/// The child `id` of REST API `apiId`, or NotFoundException (for the API first). Hold ctx.mu.
Result<boost::json::object> loadChild(ApiGatewayContext& ctx, const ChildKind& kind, const std::string& apiId,
                                      const std::string& id);

/// Runs op(api) (api: the REST API document) with ctx.mu held, once REST API `apiId` is loaded;
/// NotFoundException when it is not.
template <class Op>
Result<AdminReply> withApi(ApiGatewayContext& ctx, const std::string& apiId, Op&& op) {
  std::lock_guard lock(ctx.mu);
  auto api = loadApi(ctx, apiId);
  if (!api) return api.takeError();
  return op(*api);
}

/// Checks a child document (call.params[0]: the API id, [1]: the child's) before it is saved or
/// deleted: a patched document's names and schemas, or whether a method still uses it.
using ChildCheck = std::function<Status(const AdminCall& call, const boost::json::object& doc)>;

/// The operations of a kind on restapis/{api}/<collection> and restapis/{api}/<collection>/{id},
/// beyond the preamble they share.
struct ChildOperations {
  std::span<const PatchField> patchFields;       // what PATCH may change
  ChildCheck checkPatched;                       // before a patched document is saved (may be empty)
  ChildCheck mayDelete;                          // before DELETE removes it (may be empty)
  std::function<void(const AdminCall&)> remove;  // DELETE's removal (empty: the document alone)
};

/// GET restapis/{api}/<collection>: the API's documents of the kind, paged.
Result<AdminReply> listChildren(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call);
/// GET restapis/{api}/<collection>/{id}.
Result<AdminReply> getChild(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call);
/// PATCH restapis/{api}/<collection>/{id}: the body's patchOperations applied, checked, saved; 200 with it.
Result<AdminReply> patchChild(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call,
                              const ChildOperations& ops);
/// DELETE restapis/{api}/<collection>/{id}: 202 once removed, unless mayDelete refuses.
Result<AdminReply> deleteChild(ApiGatewayContext& ctx, const ChildKind& kind, const AdminCall& call,
                               const ChildOperations& ops);

/// Registers the four operations above for restapis/{}/<collection>[/{}].
void addChildRoutes(RouteTable& routes, ApiGatewayContext& ctx, std::string_view collection, ChildKind kind,
                    ChildOperations ops);

}  // namespace portico::control::apigateway
