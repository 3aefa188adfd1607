#include "gateway/router.h"

#include <vector>

#include "common/uri_encoding.h"

namespace portico::gateway {
namespace {

/// Raw path segments between slashes; a leading and a trailing slash add none.
std::vector<std::string_view> rawSegments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
}

struct Matcher {
  const std::vector<std::string_view>& segs;
  std::string_view rest;  // original path without leading slash, to slice greedy values from
  std::vector<std::pair<std::string, std::string>> params;

  const RouteNode* match(const RouteNode& node, std::size_t i) {
    if (i == segs.size()) return &node;
    std::string decoded = percentDecode(segs[i]);
    if (auto it = node.literals.find(decoded); it != node.literals.end()) {
      if (const RouteNode* hit = match(*it->second, i + 1)) return hit;
    }
    if (node.variable) {
      params.emplace_back(node.variableName, decoded);
      if (const RouteNode* hit = match(*node.variable, i + 1)) return hit;
      params.pop_back();
    }
    if (node.greedy) {
      // Everything from segment i to the end, exactly as sent.
      std::size_t offset = static_cast<std::size_t>(segs[i].data() - rest.data());
      std::string_view value = rest.substr(offset);
      if (!value.empty() && value.back() == '/') value.remove_suffix(1);
      params.emplace_back(node.greedyName, std::string(value));
      return node.greedy.get();
    }
    return nullptr;
  }
};

}  // namespace

std::optional<RouteMatch> route(const RouteNode& root, std::string_view path, std::string_view verb) {
  std::string_view rest = path;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  auto segs = rawSegments(path);
  Matcher m{segs, rest, {}};
  const RouteNode* node = m.match(root, 0);
  if (!node) return std::nullopt;
  RouteMatch out;
  out.resource = node;
  for (auto& [k, v] : m.params) out.pathParams[k] = std::move(v);
  if (auto it = node->methods.find(std::string(verb)); it != node->methods.end()) {
    out.method = it->second.get();
  } else if (auto any = node->methods.find("ANY"); any != node->methods.end()) {
    out.method = any->second.get();
  }
  return out;
}

}  // namespace portico::gateway
