// SigV4 verification for the management API: recomputes the AWS Signature Version 4
// (AWS4-HMAC-SHA256, Authorization-header form) of an incoming request and compares it with the
// signature the client sent. Steps and wire facts: ../shared/reference/aws-cli-wire.md, section
// "SigV4: what a server must verify". Failures are 403 ApiErrors worded as AWS words them.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/digest.h"
#include "common/result.h"

namespace portico::auth {

/// The parts of an HTTP request that SigV4 covers. The views must outlive the call that uses them.
struct SigV4Request {
  std::string_view method;  // "POST", as sent
  std::string_view target;  // request target exactly as received: path (still percent-encoded) + optional "?query"
  std::vector<std::pair<std::string, std::string>> headers;  // as received, any case, duplicates allowed
  std::string_view body;
  /// What the credential scope must name (AWS refuses another with InvalidSignatureException);
  /// empty: any.
  std::string_view service;
  std::string_view region;
  /// The body has not been read yet: check everything that does not need it (credential,
  /// scope, date) and the signature itself only when a signed x-amz-content-sha256 stands in
  /// for the body; the body's hash is then checked again once it is read.
  bool headOnly = false;
};

/// Who signed a verified request, taken from its credential scope.
struct SigV4Identity {
  std::string accessKeyId;
  std::string region;
  std::string service;
};

/// What an access key id stands for: its secret and, for temporary credentials (AWS's `ASIA...`
/// keys), the session token a request must carry (X-Amz-Security-Token) and when they expire.
struct Credential {
  std::string secret;
  std::string sessionToken;  // empty: long-term keys, no token needed
  std::optional<std::chrono::system_clock::time_point> expiresAt;
};

/// Where verifySigV4 looks secrets up. Must be safe to call from every thread that verifies.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  /// The secret for an access key id, or nullopt if unknown (or expired).
  virtual std::optional<std::string> secretFor(std::string_view accessKeyId) const = 0;
  /// The whole credential (what the verifier checks); long-term keys by default.
  virtual std::optional<Credential> credentialFor(std::string_view accessKeyId) const {
    auto secret = secretFor(accessKeyId);
    if (!secret) return std::nullopt;
    return Credential{std::move(*secret), {}, std::nullopt};
  }
};

/// Derived signing keys (the HMAC chain over secret, date, region and service: four HMACs, most
/// of a verification's cost), kept per secret and scope so a client signing many requests a day
/// pays for its key once. Only keys that verified a signature are kept (the scope comes from the
/// request: unverified ones must not fill it). Thread-safe (one mutex, held for a lookup); bounded.
class SigningKeyCache {
 public:
  /// What a key is remembered under.
  static std::string idOf(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service);
  std::optional<std::string> find(const std::string& id) const;
  void remember(std::string id, std::string key);
  std::size_t size() const;
  /// How many lookups found their key.
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kMaxKeys = 1024;  // beyond it the cache starts over
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> keys_;
  mutable std::atomic<std::uint64_t> hits_ = 0;
};

/// Verifies the Authorization header (AWS4-HMAC-SHA256 header form) against the credentials.
/// X-Amz-Date (or, failing that, Date: ISO-8601 basic or IMF-fixdate) must start with the credential
/// scope date and lie within 15 minutes of clock.now(). A signed x-amz-content-sha256 must equal the
/// body's hash. Returns the signer, or a 403 ApiError: MissingAuthenticationTokenException (no
/// Authorization header), IncompleteSignatureException (header unparseable or incomplete, no date),
/// UnrecognizedClientException (unknown access key; temporary keys without their session token or
/// with another), ExpiredTokenException (temporary keys past their expiry) or InvalidSignatureException (expired, not
/// yet current, scope date mismatch, signature mismatch). `keys`, when given, remembers derived keys.
Result<SigV4Identity> verifySigV4(const SigV4Request& req, const CredentialSource& creds, const Clock& clock,
                                  SigningKeyCache* keys = nullptr);

/// The six-part canonical request (method, canonical URI, canonical query, canonical headers,
/// `signedHeaders`, payload hash) joined by '\n'. `signedHeaders` is the ';'-separated lowercase list
/// from the Authorization header; only those headers are included.
std::string canonicalRequest(const SigV4Request& req, std::string_view signedHeaders);

}  // namespace portico::auth
