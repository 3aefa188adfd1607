// X.509 certificates as the management APIs receive them (PEM text from CreateDomainName, ACM's
// ImportCertificate, a truststore bundle) and as the data plane reports a caller's
// ($context.identity.clientCert): parsed once, checked (syntax, key match, validity, host
// coverage) and described in AWS's words. OpenSSL underneath; its error queue is left clean.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace portico::auth {

/// What AWS shows of a certificate (ACM's DescribeCertificate, API Gateway's clientCert).
struct CertificateInfo {
  std::string pem;                    // the certificate alone, PEM
  std::string subject;                // RFC 2253, e.g. "CN=api.example.test,O=Example"
  std::string issuer;                 // ditto
  std::string commonName;             // the subject's CN, "" when none
  std::vector<std::string> dnsNames;  // subjectAltName DNS entries, in order
  std::string serial;                 // lower-case hex bytes joined by ':' ("0a:1b:...")
  std::int64_t notBefore = 0;         // epoch seconds
  std::int64_t notAfter = 0;
  std::string keyAlgorithm;        // ACM's enum: RSA_2048, EC_prime256v1, ...
  std::string signatureAlgorithm;  // ACM's words: SHA256WITHRSA, SHA256WITHECDSA, ...
  bool isCa = false;               // basicConstraints CA:TRUE
  bool selfIssued = false;         // subject == issuer
};

/// OpenSSL's text date, as API Gateway's clientCert.validity shows it: "May 28 12:30:02 2019 GMT".
std::string opensslDate(std::int64_t epochSeconds);

/// Bounds on what is parsed: a certificate body, a chain, a truststore bundle.
inline constexpr std::size_t kMaxCertificatePemBytes = 64 * 1024;
inline constexpr std::size_t kMaxBundlePemBytes = 1024 * 1024;
inline constexpr std::size_t kMaxBundleCertificates = 1000;

/// The one certificate in `pem` (text around it is ignored, a second one refused), or
/// BadRequestException naming `what` ("certificate body").
Result<CertificateInfo> parseCertificate(std::string_view pem, std::string_view what);
/// Every certificate in a PEM bundle (a chain, a truststore), at most kMaxBundleCertificates
/// within kMaxBundlePemBytes; BadRequestException naming `what` otherwise.
Result<std::vector<CertificateInfo>> parseBundle(std::string_view pem, std::string_view what);
/// The private key in `pem` (unencrypted PKCS#8, PKCS#1 or SEC1) matches the certificate's public key.
Status checkKeyMatches(std::string_view certificatePem, std::string_view keyPem);
/// Whether the certificate covers `host` (subjectAltName DNS names, wildcards one label deep;
/// the CN when there are no DNS names).
bool coversHost(std::string_view certificatePem, std::string_view host);
/// "certificate that is valid now": notBefore <= now < notAfter.
inline bool validAt(const CertificateInfo& c, std::int64_t now) {
  return c.notBefore <= now && now < c.notAfter;
}

/// Whether `leaf` was signed by `issuer`'s key (names and signature), for truststore chaining.
bool issuedBy(std::string_view leafPem, std::string_view issuerPem);

}  // namespace portico::auth
