// Making certificates: API Gateway's generated client certificates (self-signed, RSA 2048, 365
// days) and Portico's local certificate authority, which signs certificates for domains at once
// (ACM's RequestCertificate, beyond AWS: a local HTTPS domain in one command).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace portico::auth {

struct IssuedCertificate {
  std::string certificatePem;
  std::string privateKeyPem;
};

/// Subject / issuer name parts in order, e.g. {{"C","US"},{"L","Seattle"},{"CN","ApiGateway"}}.
using NameParts = std::vector<std::pair<std::string, std::string>>;

enum class CertificateUse { kClient, kCertificateAuthority };

/// A fresh RSA-2048 key and a self-signed SHA-256 certificate for `subject`, valid from `now` for
/// `days` days, with a random 128-bit serial.
Result<IssuedCertificate> selfSigned(const NameParts& subject, int days, std::int64_t now, CertificateUse use);

/// A fresh RSA-2048 key and a server certificate for `names` (the first is the CN; all are
/// subjectAltName DNS entries) signed by the CA, valid from `now` for `days` days.
Result<IssuedCertificate> issueServerCertificate(std::string_view caCertificatePem, std::string_view caKeyPem,
                                                 const std::vector<std::string>& names, int days, std::int64_t now);

}  // namespace portico::auth
