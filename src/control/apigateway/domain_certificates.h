// What a custom domain name serves with: its certificate (uploaded as PEM with the domain, or an
// ACM certificate named by ARN) and its mutual-TLS truststore, resolved and checked as AWS checks
// them when a domain is created or updated: PEM that parses, a key that matches, a certificate
// valid now that covers the name; a truststore bundle whose certificates are reported in
// truststoreWarnings when expired or not a CA.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
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

/// Mutual TLS with an imported certificate (regionalCertificateArn naming an ACM certificate of
/// type IMPORTED) needs ownershipVerificationCertificateArn: an ACM-issued certificate that covers
/// the domain name and is valid now, as AWS requires; BadRequestException otherwise.
Status checkOwnershipVerification(ApiGatewayContext& ctx, const boost::json::object& domain);

/// Truststores read from S3 before a synchronous operation runs (fetchS3Truststore), by
/// truststoreKey(uri, version).
using FetchedTruststores = std::map<std::string, std::string, std::less<>>;
std::string truststoreKey(const std::string& uri, const std::string& version);

/// Reads and checks the truststore `uri` names (file:///path, or s3://bucket/key as fetched into
/// `fetched`; at most 1 MB, PEM): its certificates and the warnings AWS reports for them;
/// BadRequestException when it cannot be read or parsed.
struct Truststore {
  std::string pem;
  boost::json::array warnings;
};
Result<Truststore> loadTruststore(ApiGatewayContext& ctx, const std::string& uri, const std::string& version,
                                  const FetchedTruststores* fetched);

/// An s3:// truststore (its truststoreVersion as the object's version) read through the AWS client
/// with Portico's default credentials, at most 1 MB, into `fetched`; other URIs are left alone.
/// BadRequestException when S3 refuses or cannot be reached.
boost::asio::awaitable<Status> fetchS3Truststore(ApiGatewayContext& ctx, const std::string& uri,
                                                 const std::string& version, unsigned workerIndex,
                                                 FetchedTruststores& fetched);

}  // namespace portico::control::apigateway
