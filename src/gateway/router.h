// Router: finds the resource and method for a request path in a compiled stage.
//
// AWS precedence (aws-behaviour.md §4): at each level a literal path part beats a
// {var}, which beats a {proxy+}; {proxy+} needs at least one segment and is never
// matched by its parent; the exact verb beats ANY. A trailing slash is ignored.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/snapshot.h"

namespace portico::gateway {

struct RouteMatch {
  const RouteNode* resource = nullptr;
  const CompiledMethod* method = nullptr;         // null: the resource exists but has no such method
  std::map<std::string, std::string> pathParams;  // {var} decoded; {proxy+} raw (still %-encoded)
};

/// The best resource for `path` (e.g. "/pets/42", no stage) and its method for `verb`;
/// nullopt when no resource matches.
std::optional<RouteMatch> route(const RouteNode& root, std::string_view path, std::string_view verb);

}  // namespace portico::gateway
