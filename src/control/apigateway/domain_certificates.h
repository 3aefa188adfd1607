// What a custom domain name serves with: its certificate (uploaded as PEM with the domain, or an
// ACM certificate named by ARN) and its mutual-TLS truststore, resolved and checked as AWS checks
// them when a domain is created or updated: PEM that parses, a key that matches, a certificate
// valid now that covers the name; a truststore bundle whose certificates are reported in
// truststoreWarnings when expired or not a CA.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "common/result.h"
#include "control/apigateway/apigateway_context.h"

namespace portico::control::apigateway {

/// The TLS material a domain serves with.
struct DomainTls {
  std::string certificatePem;
  std::string privateKeyPem;
  std::string chainPem;       // may be empty
  std::string truststorePem;  // "" without mutual TLS
};

/// The certificate the domain document names (its REGIONAL one first, then its EDGE one, then the
/// uploaded body), checked against the domain name at time `now`; BadRequestException otherwise.
Result<DomainTls> resolveDomainCertificate(ApiGatewayContext& ctx, const boost::json::object& domain);

/// Reads and checks the truststore `uri` names (file:///path, at most 1 MB, PEM): its certificates
/// and the warnings AWS reports for them; BadRequestException when it cannot be read or parsed.
struct Truststore {
  std::string pem;
  boost::json::array warnings;
};
Result<Truststore> loadTruststore(ApiGatewayContext& ctx, const std::string& uri);

}  // namespace portico::control::apigateway
