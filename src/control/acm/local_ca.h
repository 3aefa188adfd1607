// LocalCa: Portico's own certificate authority, beyond AWS: ACM's RequestCertificate is answered
// at once with a certificate it signs, so one CLI command gives a local HTTPS domain. Its key and
// certificate are created on first use in the data dir (ca-key.pem mode 0600, ca.pem), and
// `portico ca` prints the certificate for a developer to trust.
#pragma once
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/x509_issuer.h"
#include "common/result.h"

namespace portico::control::acm {

class LocalCa {
 public:
  explicit LocalCa(std::filesystem::path dataDir) : dir_(std::move(dataDir)) {}

  /// The authority's certificate and key, loaded from the data dir or created there now.
  Result<auth::IssuedCertificate> authority(std::int64_t now);
  /// A server certificate for `names` (the first is the subject's CN), valid 395 days from now
  /// (ACM's validity for its own).
  Result<auth::IssuedCertificate> issue(const std::vector<std::string>& names, std::int64_t now);

 private:
  std::filesystem::path dir_;
  std::mutex mu_;
  std::optional<auth::IssuedCertificate> loaded_;
};

}  // namespace portico::control::acm
