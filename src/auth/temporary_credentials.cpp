#include "auth/temporary_credentials.h"

#include "common/base64.h"
#include "common/digest.h"

namespace portico::auth {
namespace {

/// n characters of [A-Z2-7] from the secure generator (AWS's key ids use upper case and digits).
std::string upperAlnum(std::size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";  // 32: no modulo bias
  std::string bytes = randomBytes(n), out(n, 'A');
  for (std::size_t i = 0; i < n; ++i) out[i] = kAlphabet[static_cast<unsigned char>(bytes[i]) % 32];
  return out;
}

}  // namespace

std::optional<TemporaryKeys> TemporaryCredentials::mint(std::chrono::seconds lifetime) {
  const auto now = clock_.now();
  TemporaryKeys keys{"ASIA" + upperAlnum(16), base64Encode(randomBytes(30)), base64Encode(randomBytes(96)),
                     now + lifetime};
  std::lock_guard lock(mu_);
  if (keys_.size() >= kMaxLive) forgetExpiredLocked(now);
  if (keys_.size() >= kMaxLive) return std::nullopt;
  keys_.insert_or_assign(keys.accessKeyId, Credential{keys.secretAccessKey, keys.sessionToken, keys.expiresAt});
  return keys;
}

void TemporaryCredentials::revoke(std::string_view accessKeyId) {
  std::lock_guard lock(mu_);
  if (auto it = keys_.find(accessKeyId); it != keys_.end()) keys_.erase(it);
}

std::size_t TemporaryCredentials::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

void TemporaryCredentials::forgetExpiredLocked(std::chrono::system_clock::time_point now) {
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->second.expiresAt && *it->second.expiresAt + kRememberExpired < now) {
      it = keys_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Credential> TemporaryCredentials::credentialFor(std::string_view accessKeyId) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(accessKeyId);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> TemporaryCredentials::secretFor(std::string_view accessKeyId) const {
  auto credential = credentialFor(accessKeyId);
  if (!credential || (credential->expiresAt && clock_.now() >= *credential->expiresAt)) return std::nullopt;
  return credential->secret;
}

std::optional<std::string> CredentialChain::secretFor(std::string_view accessKeyId) const {
  if (auto s = first_.secretFor(accessKeyId)) return s;
  return second_.secretFor(accessKeyId);
}

std::optional<Credential> CredentialChain::credentialFor(std::string_view accessKeyId) const {
  if (auto c = first_.credentialFor(accessKeyId)) return c;
  return second_.credentialFor(accessKeyId);
}

}  // namespace portico::auth
