#include "gateway/domain_registry.h"

#include <cctype>

namespace portico::gateway {
namespace {

/// Whether path ("/v1/orders/1") starts with the base path "v1/orders" as whole segments; the rest.
std::optional<std::string_view> underBasePath(std::string_view path, std::string_view basePath) {
  if (basePath.empty()) return path;
  if (path.size() < basePath.size() + 1 || path[0] != '/' || path.substr(1, basePath.size()) != basePath) {
    return std::nullopt;
  }
  std::string_view rest = path.substr(basePath.size() + 1);
  if (!rest.empty() && rest.front() != '/') return std::nullopt;  // "/v10" is not under "v1"
  return rest;
}

}  // namespace

std::optional<DomainTarget> resolveDomainPath(const CustomDomain& domain, std::string_view path) {
  for (const auto& m : domain.mappings) {
    auto rest = underBasePath(path, m.basePath);
    if (!rest) continue;
    DomainTarget out{m.apiId, m.stage, {}, m.basePath};
    if (out.stage.empty()) {
      // The stage is the first segment after the base path.
      std::string_view r = *rest;
      if (!r.empty() && r.front() == '/') r.remove_prefix(1);
      auto slash = r.find('/');
      out.stage = std::string(r.substr(0, slash));
      if (out.stage.empty()) return std::nullopt;
      out.path = slash == std::string_view::npos ? "/" : std::string(r.substr(slash));
    } else {
      out.path = rest->empty() ? "/" : std::string(*rest);
    }
    return out;
  }
  return std::nullopt;
}

std::shared_ptr<const CustomDomain> DomainRegistry::find(std::string_view host) const {
  auto map = map_.load(std::memory_order_acquire);
  if (map->empty()) return nullptr;
  if (host.starts_with('[')) return nullptr;  // an IPv6 literal is never a domain name
  host = host.substr(0, host.find(':'));
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::string name(host);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto it = map->find(name); it != map->end()) return it->second;
  auto dot = name.find('.');
  if (dot == std::string::npos || dot == 0) return nullptr;
  if (auto it = map->find("*" + name.substr(dot)); it != map->end()) return it->second;
  return nullptr;
}

}  // namespace portico::gateway
