// publishDomains: the custom domain names and their base path mappings as the data plane reads
// them, compiled from the store into one immutable map and swapped in.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/json_util.h"
#include "control/apigateway/domain_certificates.h"
#include "control/apigateway/domain_names.h"

namespace portico::control::apigateway {

namespace {

/// What the TLS listener serves the domain with; nullopt (logged) when its certificate no longer
/// resolves (an ACM certificate deleted behind it, an expiry since it was put).
std::optional<http::TlsDomainSpec> tlsSpec(ApiGatewayContext& ctx, const boost::json::object& d) {
  auto tls = resolveDomainCertificate(ctx, d);
  const std::string name = json::strOr(d, "domainName", "");
  if (!tls) {
    spdlog::warn("custom domain {} is not served over TLS: {}", name, tls.error().message);
    return std::nullopt;
  }
  http::TlsDomainSpec spec{name,
                           tls->certificatePem,
                           tls->privateKeyPem,
                           tls->chainPem,
                           json::strOr(d, "_truststorePem", ""),
                           json::strOr(d, "securityPolicy", "TLS_1_2"),
                           false};
  if (const auto* ec = json::obj(d, "endpointConfiguration")) {
    if (auto* types = ec->if_contains("types"); types && types->is_array()) {
      for (const auto& t : types->get_array()) spec.edge = spec.edge || (t.is_string() && t.get_string() == "EDGE");
    }
  }
  return spec;
}

}  // namespace

void publishDomains(ApiGatewayContext& ctx) {
  if (!ctx.domains) return;
  gateway::DomainRegistry::Map map;
  std::vector<http::TlsDomainSpec> certificates;
  for (const auto& d : listDocs(ctx, kDomainName, "")) {
    if (ctx.tls) {
      if (auto spec = tlsSpec(ctx, d)) certificates.push_back(std::move(*spec));
    }
    auto domain = std::make_shared<gateway::CustomDomain>();
    domain->name = json::strOr(d, "domainName", "");
    for (const auto& m : listDocs(ctx, kBasePathMapping, domain->name)) {
      std::string base = json::strOr(m, "basePath", "");
      if (base == "(none)") base.clear();
      domain->mappings.push_back({std::move(base), json::strOr(m, "restApiId", ""), json::strOr(m, "stage", "")});
    }
    // Longest base path first ("considers only the paths configured for API mappings"); (none) last.
    std::stable_sort(domain->mappings.begin(), domain->mappings.end(),
                     [](const auto& a, const auto& b) { return a.basePath.size() > b.basePath.size(); });
    map[domain->name] = std::move(domain);
  }
  ctx.domains->replace(std::move(map));
  if (ctx.tls) {
    for (const auto& refused : ctx.tls->replace(certificates)) spdlog::warn("custom domain {}", refused);
  }
}

}  // namespace portico::control::apigateway
