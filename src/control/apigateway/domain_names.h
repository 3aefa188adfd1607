// Custom domain names, their base path mappings and API Gateway's client certificates: the store
// kinds, the data plane's view of them (publishDomains) and the route families.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "control/apigateway/apigateway_context.h"

namespace portico::control::apigateway {

inline constexpr std::string_view kDomainName = "domainname";            // scope "", id = the name
inline constexpr std::string_view kBasePathMapping = "basepathmapping";  // scope = domain, id = base path or "(none)"
inline constexpr std::string_view kClientCertificate = "clientcertificate";  // scope "", id = its 6-character id

/// Compiles every domain name and its mappings into the data plane's DomainRegistry (and the TLS
/// listener's certificates). Hold ctx.mu.
void publishDomains(ApiGatewayContext& ctx);
/// The domainNameArn of every domain that serves with ACM certificate `arn`.
std::vector<std::string> domainsUsingCertificate(ApiGatewayContext& ctx, const std::string& arn);
/// The client certificate document `id` (with its private key), or NotFoundException.
Result<boost::json::object> loadClientCertificate(ApiGatewayContext& ctx, const std::string& id);

RegisterRoutes registerDomainNameRoutes, registerBasePathMappingRoutes, registerClientCertificateRoutes;

}  // namespace portico::control::apigateway
