// RouteTree: builds the routing tree that router.h walks (snapshot.h's RouteNode) from a
// deployment's resources. Each resource hangs under its parent by its pathPart: "{name+}" is the
// parent's greedy child, "{name}" its variable child, anything else a literal child.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <string_view>

#include "common/result.h"
#include "gateway/snapshot.h"

namespace portico::gateway {

/// Compiles one entry of a resource's resourceMethods for the node it will belong to (whose
/// resourceId and resourcePath are already set).
using MethodCompiler =
    std::function<Result<std::unique_ptr<CompiledMethod>>(const boost::json::object& method, const RouteNode& node)>;

/// Fills `root` from `resources` (objects with id, parentId, path, pathPart, resourceMethods): the
/// one without a parentId is the root, every other goes under its parent; a resource whose parent
/// is not there is left out, and of two literal siblings with one pathPart the first is kept.
/// InternalError "deployment has no root resource" when no resource is the root; else the first
/// error of compileMethod.
Status buildRouteTree(const boost::json::array& resources, RouteNode& root, const MethodCompiler& compileMethod);

/// Hangs `child` under `parent` by its pathPart (see above) and returns where it went; null when a
/// literal child of that name is already there (child is then dropped).
RouteNode* attachChild(RouteNode& parent, std::string_view pathPart, std::unique_ptr<RouteNode> child);

/// The node of resource `resourceId` in the tree under `root` (root included), or null.
const RouteNode* findResource(const RouteNode& root, std::string_view resourceId);

}  // namespace portico::gateway
