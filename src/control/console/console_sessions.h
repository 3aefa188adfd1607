// ConsoleSessions: the web console's login sessions. A session is a signed token carried in an
// HttpOnly, SameSite=Strict cookie: the access key id, an expiry and a random nonce, MACed with a
// key kept in the data dir (so sessions survive a restart). Each session has a CSRF token (a MAC
// of its nonce) that every cookie-authenticated call must echo in X-Portico-Csrf. Logging out
// revokes the nonce until the session would have expired anyway.
#pragma once
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4_verifier.h"
#include "common/clock.h"

namespace portico::control::console {

struct Session {
  std::string accessKeyId;
  std::string csrfToken;
  std::string token;  // the cookie's value
  std::chrono::system_clock::time_point expires;
};

class ConsoleSessions {
 public:
  static constexpr std::chrono::hours kLifetime{12};
  static constexpr std::string_view kCookie = "portico_console";

  /// Borrowed credentials and clock; `signingKey` at least 32 bytes.
  ConsoleSessions(const auth::CredentialSource& credentials, const Clock& clock, std::string signingKey);

  /// The signing key stored at `file` (0600), made on first use.
  static std::string loadOrCreateKey(const std::filesystem::path& file);

  /// A new session when the secret is the access key's, else nullopt.
  std::optional<Session> login(std::string_view accessKeyId, std::string_view secret) const;
  /// The session a cookie token names: signature valid, not expired, not revoked, key still known.
  std::optional<Session> verify(std::string_view token) const;
  void revoke(const Session& session) const;

 private:
  std::string mac(std::string_view purpose, std::string_view data) const;
  Session make(std::string accessKeyId, std::chrono::system_clock::time_point expires, std::string nonce) const;

  const auth::CredentialSource& credentials_;
  const Clock& clock_;
  std::string key_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::chrono::system_clock::time_point> revoked_;  // nonce → session expiry
};

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> cookieValue(std::string_view header, std::string_view name);

}  // namespace portico::control::console
