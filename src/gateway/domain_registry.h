// DomainRegistry: the custom domain names the data plane serves and their base path mappings.
//
// Readers (every request on a custom domain) load one immutable map with a single atomic
// shared_ptr load; the control plane compiles every domain and mapping into a fresh map and swaps
// it in (control/apigateway/domain_names.cpp: publishDomains), as StageRegistry does for stages.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace portico::gateway {

struct BasePathRoute {
  std::string basePath;  // "" for the (none) mapping; may hold '/' (apigatewayv2's multi-level keys)
  std::string apiId;
  std::string stage;  // "" when the stage comes from the path, after the base path
};

struct CustomDomain {
  std::string name;                     // lower case; "*.example.test" for a wildcard domain
  std::vector<BasePathRoute> mappings;  // longest base path first; the (none) mapping last
};

/// Where a custom-domain request goes: the mapping's API and stage, and the path left for routing.
struct DomainTarget {
  std::string apiId;
  std::string stage;
  std::string path;             // what the API's resources are matched against ("/orders/1"), raw
  std::string basePathMatched;  // the mapping's base path ("" for (none)), $context.customDomain.basePathMatched
};

/// The mapping that `path` (raw, starts with '/') falls under, longest base path first, then the
/// (none) mapping; nullopt when none covers it (API Gateway's 403 "Forbidden"). A mapping without a
/// stage takes the stage from the next segment (none there: nullopt as well).
std::optional<DomainTarget> resolveDomainPath(const CustomDomain& domain, std::string_view path);

class DomainRegistry {
 public:
  using Map = std::unordered_map<std::string, std::shared_ptr<const CustomDomain>>;  // by name

  DomainRegistry() : map_(std::make_shared<const Map>()) {}

  /// The domain serving `host` (a Host header: its port ignored, any case): an exact name first,
  /// then the wildcard "*.rest" for the host's first label cut off. Null when none. Lock-free.
  std::shared_ptr<const CustomDomain> find(std::string_view host) const;
  /// Whether any domain is configured at all (a quick out for the default addressing).
  bool empty() const { return map_.load(std::memory_order_acquire)->empty(); }
  /// Replaces every domain at once.
  void replace(Map domains) { map_.store(std::make_shared<const Map>(std::move(domains)), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const Map>> map_;
};

}  // namespace portico::gateway
