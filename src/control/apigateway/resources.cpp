// Resource operations: GetResources, CreateResource, GetResource, UpdateResource, DeleteResource.
// https://docs.aws.amazon.com/apigateway/latest/api/API_Resource.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;

Status validatePathPart(std::string_view part) {
  static const RE2 kLiteral(R"([a-zA-Z0-9._\-:@&=$,!'*()~]+)");
  static const RE2 kVariable(R"(\{[a-zA-Z0-9._\-]+\+?\})");
  if (RE2::FullMatch(part, kLiteral) || RE2::FullMatch(part, kVariable)) return Ok{};
  return ApiError::badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an "
      "optional plus sign before the closing brace.");
}

bool isPathVariable(std::string_view part) {
  return part.size() > 2 && part.front() == '{' && part.back() == '}';
}
bool isGreedyPathVariable(std::string_view part) {
  return isPathVariable(part) && part.ends_with("+}");
}

namespace {

/// A resource as returned: methods embedded in full, or as {"GET": {}} summaries.
bj::object present(bj::object r, bool embed) {
  if (auto* methods = json::obj(r, "resourceMethods")) {
    if (methods->empty()) {
      r.erase("resourceMethods");
    } else if (!embed) {
      bj::object summary;
      for (auto& [verbName, m] : *methods) summary[verbName] = bj::object();
      r["resourceMethods"] = std::move(summary);
    }
  }
  return r;
}

/// Checks that a new child `part` fits among the existing children of parent.
Status checkSiblings(ApiGatewayContext& ctx, const std::string& apiId, const bj::object& parent, std::string_view part,
                     std::string_view selfId) {
  std::string parentPart = json::strOr(parent, "pathPart", "");
  if (isGreedyPathVariable(parentPart)) {
    return ApiError::badRequest("Cannot create a child of a resource with a greedy path variable: " + parentPart);
  }
  std::string parentId = json::strOr(parent, "id", "");
  for (auto& r : listDocs(ctx, kResource, apiId)) {
    if (json::strOr(r, "parentId", "") != parentId || json::strOr(r, "id", "") == selfId) continue;
    std::string sibling = json::strOr(r, "pathPart", "");
    if (sibling == part) {
      return ApiError::conflict("Another resource with the same parent already has this name: " + std::string(part));
    }
    if (isPathVariable(part) && isPathVariable(sibling)) {
      return ApiError::badRequest("A sibling (" + sibling +
                                  ") of this resource already has a variable path part -- only one is allowed");
    }
  }
  return Ok{};
}

/// Rewrites the stored path of every descendant of `id` after a move or rename.
void repath(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id, const std::string& path) {
  for (auto& r : listDocs(ctx, kResource, apiId)) {
    if (json::strOr(r, "parentId", "") != id) continue;
    std::string childPath = (path == "/" ? "" : path) + "/" + json::strOr(r, "pathPart", "");
    r["path"] = childPath;
    std::string childId = json::strOr(r, "id", "");
    saveDoc(ctx, kResource, apiId, childId, r);
    repath(ctx, apiId, childId, childPath);
  }
}

Result<AdminReply> createResource(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  const std::string& apiId = call.params[0];
  auto parent = loadResource(ctx, apiId, call.params[1]);
  if (!parent) return parent.takeError();
  std::string part = json::strOr(*body, "pathPart", "");
  if (auto st = validatePathPart(part); !st) return st.takeError();
  if (auto st = checkSiblings(ctx, apiId, *parent, part, ""); !st) return st.takeError();
  std::string parentPath = json::strOr(*parent, "path", "/");
  bj::object r;
  r["id"] = ctx.ids.alnum(6);
  r["parentId"] = call.params[1];
  r["pathPart"] = part;
  r["path"] = (parentPath == "/" ? "" : parentPath) + "/" + part;
  saveDoc(ctx, kResource, apiId, r["id"].get_string(), r);
  return reply(201, std::move(r));
}

Result<AdminReply> updateResource(ApiGatewayContext& ctx, const AdminCall& call) {
  static constexpr PatchField kFields[] = {{"/pathPart", FieldKind::kString, "pathPart"},
                                           {"/parentId", FieldKind::kString, "parentId"}};
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  const std::string& apiId = call.params[0];
  auto r = loadResource(ctx, apiId, call.params[1]);
  if (!r) return r.takeError();
  if (!r->contains("parentId")) return ApiError::badRequest("The root resource cannot be modified");
  if (auto st = applyPatch(*r, *body, kFields); !st) return st.takeError();
  std::string part = json::strOr(*r, "pathPart", "");
  if (auto st = validatePathPart(part); !st) return st.takeError();
  std::string parentId = json::strOr(*r, "parentId", "");
  // The new parent must exist and must not be the resource itself or one of its descendants.
  for (std::string cursor = parentId; !cursor.empty();) {
    if (cursor == call.params[1]) return ApiError::badRequest("Resources cannot be cyclical.");
    auto p = loadDoc(ctx, kResource, apiId, cursor);
    if (!p) return ApiError::notFound("Invalid Resource identifier specified");
    cursor = json::strOr(*p, "parentId", "");
  }
  auto parent = loadResource(ctx, apiId, parentId);
  if (!parent) return parent.takeError();
  if (auto st = checkSiblings(ctx, apiId, *parent, part, call.params[1]); !st) return st.takeError();
  std::string parentPath = json::strOr(*parent, "path", "/");
  std::string path = (parentPath == "/" ? "" : parentPath) + "/" + part;
  (*r)["path"] = path;
  ctx.store.transaction([&] {
    saveDoc(ctx, kResource, apiId, call.params[1], *r);
    repath(ctx, apiId, call.params[1], path);
  });
  return reply(200, present(std::move(r).value(), false));
}

Result<AdminReply> deleteResource(ApiGatewayContext& ctx, const AdminCall& call) {
  std::lock_guard lock(ctx.mu);
  const std::string& apiId = call.params[0];
  auto r = loadResource(ctx, apiId, call.params[1]);
  if (!r) return r.takeError();
  if (!r->contains("parentId")) return ApiError::badRequest("Cannot delete the root resource");
  auto all = listDocs(ctx, kResource, apiId);
  std::vector<std::string> doomed{call.params[1]};
  for (std::size_t i = 0; i < doomed.size(); ++i) {
    for (auto& c : all) {
      if (json::strOr(c, "parentId", "") == doomed[i]) doomed.push_back(json::strOr(c, "id", ""));
    }
  }
  ctx.store.transaction([&] {
    for (auto& id : doomed) ctx.store.remove(kResource, apiId, id);
  });
  return AdminReply{202, std::nullopt};
}

}  // namespace

void registerResourceRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::get, "restapis/{}/resources", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto api = loadApi(ctx, call.params[0]);
    if (!api) return api.takeError();
    bool embed = call.queryParam("embed").value_or("").find("methods") != std::string::npos;
    std::vector<bj::object> items;
    for (auto& r : listDocs(ctx, kResource, call.params[0])) items.push_back(present(std::move(r), embed));
    return pagedList(call, std::move(items));
  });
  routes.add(verb::post, "restapis/{}/resources/{}",
             [&ctx](const AdminCall& call) { return createResource(ctx, call); });
  routes.add(verb::get, "restapis/{}/resources/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto r = loadResource(ctx, call.params[0], call.params[1]);
    if (!r) return r.takeError();
    bool embed = call.queryParam("embed").value_or("").find("methods") != std::string::npos;
    return reply(200, present(std::move(r).value(), embed));
  });
  routes.add(verb::patch, "restapis/{}/resources/{}",
             [&ctx](const AdminCall& call) { return updateResource(ctx, call); });
  routes.add(verb::delete_, "restapis/{}/resources/{}",
             [&ctx](const AdminCall& call) { return deleteResource(ctx, call); });
}

}  // namespace portico::control::apigateway
