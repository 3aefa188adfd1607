// TemporaryCredentials: short-lived keys Portico mints itself (one set per function execution
// environment, as Lambda hands each environment its role's session credentials): an `ASIA...`
// access key id, a secret and a session token, valid until an expiry. The management API accepts
// them (with their token) until then and answers ExpiredTokenException after; revoke() forgets a
// set at once (its environment ended). Thread-safe (one mutex, held for a map operation);
// bounded: at most kMaxLive sets are kept; a mint that finds them all taken first forgets those
// expired over an hour ago (revokes are O(log n): they hold the lock every verification takes).
#pragma once
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4_verifier.h"
#include "common/clock.h"

namespace portico::auth {

struct TemporaryKeys {
  std::string accessKeyId;  // "ASIA" + 16 characters, as AWS's temporary keys look
  std::string secretAccessKey;
  std::string sessionToken;
  std::chrono::system_clock::time_point expiresAt;
};

class TemporaryCredentials final : public CredentialSource {
 public:
  static constexpr std::size_t kMaxLive = 100'000;
  /// How long an expired set still answers ExpiredTokenException (rather than an unknown key).
  static constexpr std::chrono::hours kRememberExpired{1};

  explicit TemporaryCredentials(const Clock& clock) : clock_(clock) {}

  /// A fresh set valid for `lifetime` from now. Refused (nullopt) once kMaxLive sets are live.
  std::optional<TemporaryKeys> mint(std::chrono::seconds lifetime);
  void revoke(std::string_view accessKeyId);
  std::size_t size() const;

  std::optional<std::string> secretFor(std::string_view accessKeyId) const override;
  std::optional<Credential> credentialFor(std::string_view accessKeyId) const override;

 private:
  void forgetExpiredLocked(std::chrono::system_clock::time_point now);

  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, Credential, std::less<>> keys_;
};

/// Several sources asked in order (long-term keys first, then the temporary ones).
class CredentialChain final : public CredentialSource {
 public:
  CredentialChain(const CredentialSource& first, const CredentialSource& second) : first_(first), second_(second) {}
  std::optional<std::string> secretFor(std::string_view accessKeyId) const override;
  std::optional<Credential> credentialFor(std::string_view accessKeyId) const override;

 private:
  const CredentialSource& first_;
  const CredentialSource& second_;
};

}  // namespace portico::auth
