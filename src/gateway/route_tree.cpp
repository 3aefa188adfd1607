#include "gateway/route_tree.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "common/json_util.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

/// The resources by parent id, and the root (the one with no parentId; the last such wins).
struct ResourceIndex {
  std::unordered_map<std::string, std::vector<const bj::object*>> children;
  const bj::object* root = nullptr;

  explicit ResourceIndex(const bj::array& resources) {
    for (const auto& r : resources) {
      if (!r.is_object()) continue;
      const auto& doc = r.get_object();
      if (auto parent = json::str(doc, "parentId")) {
        children[*parent].push_back(&doc);
      } else {
        root = &doc;
      }
    }
  }
};

struct TreeBuilder {
  ResourceIndex& index;
  const MethodCompiler& compileMethod;

  Status compileMethods(RouteNode& node, const bj::object& doc) {
    auto* methods = json::obj(doc, "resourceMethods");
    if (!methods) return Ok{};
    for (const auto& [verb, m] : *methods) {
      if (!m.is_object()) continue;
      auto compiled = compileMethod(m.get_object(), node);
      if (!compiled) return compiled.takeError();
      node.methods.emplace(std::string(verb), std::move(compiled).value());
    }
    return Ok{};
  }

  /// The node of `doc` and, below it, those of its descendants.
  Status build(RouteNode& node, const bj::object& doc) {
    node.resourceId = json::strOr(doc, "id", "");
    node.resourcePath = json::strOr(doc, "path", "/");
    if (auto st = compileMethods(node, doc); !st) return st;
    for (const bj::object* child : index.children[node.resourceId]) {
      auto childNode = std::make_unique<RouteNode>();
      if (auto st = build(*childNode, *child); !st) return st;
      attachChild(node, json::strOr(*child, "pathPart", ""), std::move(childNode));
    }
    return Ok{};
  }
};

}  // namespace

RouteNode* attachChild(RouteNode& parent, std::string_view part, std::unique_ptr<RouteNode> child) {
  RouteNode* out = child.get();
  if (part.size() > 3 && part.front() == '{' && part.ends_with("+}")) {
    parent.greedyName = std::string(part.substr(1, part.size() - 3));
    parent.greedy = std::move(child);
  } else if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
    parent.variableName = std::string(part.substr(1, part.size() - 2));
    parent.variable = std::move(child);
  } else if (!parent.literals.try_emplace(std::string(part), std::move(child)).second) {
    return nullptr;
  }
  return out;
}

Status buildRouteTree(const bj::array& resources, RouteNode& root, const MethodCompiler& compileMethod) {
  ResourceIndex index(resources);
  if (!index.root) return ApiError::internal("deployment has no root resource");
  TreeBuilder builder{index, compileMethod};
  return builder.build(root, *index.root);
}

const RouteNode* findResource(const RouteNode& node, std::string_view resourceId) {
  if (node.resourceId == resourceId) return &node;
  for (const auto& [_, child] : node.literals) {
    if (auto* hit = findResource(*child, resourceId)) return hit;
  }
  for (const RouteNode* child : {node.variable.get(), node.greedy.get()}) {
    if (!child) continue;
    if (auto* hit = findResource(*child, resourceId)) return hit;
  }
  return nullptr;
}

}  // namespace portico::gateway
