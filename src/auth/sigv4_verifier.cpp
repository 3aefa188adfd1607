// SigV4 (AWS4-HMAC-SHA256, header form) verification: canonical request, string to sign, signing
// key derivation and a constant-time comparison, with AWS's 403 error types and messages.
#include "auth/sigv4_verifier.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "auth/sigv4_canonical.h"

namespace portico::auth {
namespace {

using std::chrono::sys_seconds;

using namespace sigv4;  // NOLINT(google-build-using-namespace): the shared canonical form

constexpr std::chrono::minutes kMaxSkew{15};
constexpr std::string_view kIncomplete = "IncompleteSignatureException";
constexpr std::string_view kInvalid = "InvalidSignatureException";
constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details.";

ApiError denied(std::string_view type, std::string message) {
  return ApiError{std::string(type), 403, std::move(message)};
}

/// The first header named `name` (case-insensitive), or nullptr.
const std::string* findHeader(const SigV4Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (equalsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

/// The x-amz-content-sha256 value, when the client sent and signed one.
std::optional<std::string_view> declaredPayloadHash(const SigV4Request& req, std::string_view signedHeaders) {
  constexpr std::string_view kName = "x-amz-content-sha256";
  const std::string* value = findHeader(req, kName);
  auto names = split(signedHeaders, ';');
  if (value == nullptr ||
      std::none_of(names.begin(), names.end(), [&](auto n) { return equalsIgnoreCase(n, kName); })) {
    return std::nullopt;
  }
  return trim(*value);
}

std::optional<sys_seconds> makeTime(int y, int mo, int d, int h, int mi, int se) {
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(mo), std::chrono::day(d)};
  if (!ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{se};
}

/// "20150830T123600Z" (ISO-8601 basic, as in X-Amz-Date) or "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, as
/// in a Date header), UTC.
std::optional<sys_seconds> parseRequestDate(std::string_view s) {
  static constexpr std::string_view kDigits = "0123456789", kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const std::string text(s);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, used = 0;
  if (s.size() == 16 && s.find_first_not_of(kDigits) == 8 && s[8] == 'T' &&
      s.substr(9).find_first_not_of(kDigits) == 6 && s[15] == 'Z' &&
      std::sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &se) == 6) {
    return makeTime(y, mo, d, h, mi, se);
  }
  char month[4] = {};
  if (std::sscanf(text.c_str(), "%*3s, %2d %3s %4d %2d:%2d:%2d GMT%n", &d, month, &y, &h, &mi, &se, &used) != 6 ||
      used != static_cast<int>(text.size())) {
    return std::nullopt;
  }
  const std::size_t m = kMonths.find(month);
  if (std::string_view(month).size() != 3 || m == std::string_view::npos || m % 3 != 0) return std::nullopt;
  return makeTime(y, static_cast<int>(m / 3 + 1), d, h, mi, se);
}

struct AuthParams {
  std::string_view algorithm, credential, signedHeaders, signature;
};

/// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."; absent parts stay empty.
AuthParams parseAuthorization(std::string_view header) {
  AuthParams p;
  std::size_t space = header.find(' ');
  p.algorithm = header.substr(0, space);
  if (space == std::string_view::npos) return p;
  for (std::string_view part : split(header.substr(space + 1), ',')) {
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(part.substr(0, eq)), value = trim(part.substr(eq + 1));
    if (key == "Credential") p.credential = value;
    if (key == "SignedHeaders") p.signedHeaders = value;
    if (key == "Signature") p.signature = value;
  }
  return p;
}

bool hasQuerySignature(std::string_view target) {
  std::string_view query = target.substr(std::min(target.find('?'), target.size()));
  return query.find("?X-Amz-Signature=") != std::string_view::npos ||
         query.find("&X-Amz-Signature=") != std::string_view::npos;
}

}  // namespace

std::string canonicalRequest(const SigV4Request& req, std::string_view signedHeaders) {
  std::size_t q = req.target.find('?');
  std::string out(req.method);
  out += '\n' + canonicalUri(req.target.substr(0, q)) + '\n';
  if (q != std::string_view::npos) out += canonicalQuery(req.target.substr(q + 1));
  out += '\n' + canonicalHeaders(req.headers, signedHeaders) + '\n';
  out += signedHeaders;
  out += '\n';
  auto declared = declaredPayloadHash(req, signedHeaders);
  out += declared ? std::string(*declared) : sha256Hex(req.body);
  return out;
}

std::string SigningKeyCache::idOf(std::string_view secret, std::string_view date, std::string_view region,
                                  std::string_view service) {
  std::string id;
  id.reserve(secret.size() + date.size() + region.size() + service.size() + 3);
  id.append(secret).append(1, '\0').append(date).append(1, '\0').append(region).append(1, '\0').append(service);
  return id;
}

std::optional<std::string> SigningKeyCache::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(id);
  if (it == keys_.end()) return std::nullopt;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

void SigningKeyCache::remember(std::string id, std::string key) {
  std::lock_guard lock(mu_);
  if (keys_.size() >= kMaxKeys) keys_.clear();
  keys_.insert_or_assign(std::move(id), std::move(key));
}

std::size_t SigningKeyCache::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

Result<SigV4Identity> verifySigV4(const SigV4Request& req, const CredentialSource& creds, const Clock& clock,
                                  SigningKeyCache* keys) {
  const std::string* authHeader = findHeader(req, "authorization");
  if (authHeader == nullptr) {
    if (hasQuerySignature(req.target)) {
      return denied(kIncomplete,
                    "Query-string (pre-signed) authentication is not supported here; "
                    "sign the request with an 'Authorization' header.");
    }
    return denied("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  const std::string_view header = trim(*authHeader);
  const AuthParams auth = parseAuthorization(header);
  const std::string* dateHeader = findHeader(req, "x-amz-date");
  if (dateHeader == nullptr) dateHeader = findHeader(req, "date");

  std::string missing;
  if (auth.credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (auth.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (auth.signedHeaders.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (dateHeader == nullptr) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) return denied(kIncomplete, missing + "Authorization=" + std::string(header));
  if (auth.algorithm != kAlgorithm) {
    return denied(kIncomplete, "Unsupported AWS 'algorithm': '" + std::string(auth.algorithm) + "'");
  }

  // Credential = <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request
  const std::vector<std::string_view> scope = split(auth.credential, '/');
  if (scope.size() != 5 || scope[0].empty() || scope[1].size() != 8 || scope[2].empty() || scope[3].empty()) {
    return denied(kIncomplete,
                  "Credential should be of the form "
                  "'<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request', not '" +
                      std::string(auth.credential) + "'. Authorization=" + std::string(header));
  }
  if (scope[4] != kTerminator) {
    return denied(kIncomplete, "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                                   std::string(scope[4]) + "'. ");
  }

  if (!req.region.empty() && scope[2] != req.region) {
    return denied(kInvalid, "Credential should be scoped to a valid region, not '" + std::string(scope[2]) + "'. ");
  }
  if (!req.service.empty() && scope[3] != req.service) {
    return denied(kInvalid, "Credential should be scoped to correct service: '" + std::string(req.service) + "'. ");
  }

  const std::string_view rawDate = trim(*dateHeader);
  const std::optional<sys_seconds> when = parseRequestDate(rawDate);
  if (!when) {
    return denied(kIncomplete, "Date must be in ISO-8601 'basic format'. Got '" + std::string(rawDate) +
                                   "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  const std::string amzDate = formatIsoBasic(*when);
  if (std::string_view(amzDate).substr(0, 8) != scope[1]) {
    return denied(kInvalid,
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                  "HTTP: '" +
                      std::string(scope[1]) + "' != '" + amzDate.substr(0, 8) + "', from '" + amzDate + "'.");
  }

  const std::optional<Credential> credential = creds.credentialFor(scope[0]);
  if (!credential)
    return denied("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (!credential->sessionToken.empty()) {
    const std::string* token = findHeader(req, "x-amz-security-token");
    if (token == nullptr || !constantTimeEquals(trim(*token), credential->sessionToken)) {
      return denied("UnrecognizedClientException", "The security token included in the request is invalid.");
    }
  }
  if (credential->expiresAt && clock.now() >= *credential->expiresAt) {
    return denied("ExpiredTokenException", "The security token included in the request is expired");
  }
  const std::string* secret = &credential->secret;

  const sys_seconds now = std::chrono::floor<std::chrono::seconds>(clock.now());
  if (*when < now - kMaxSkew) {
    return denied(kInvalid, "Signature expired: " + amzDate + " is now earlier than " + formatIsoBasic(now - kMaxSkew) +
                                " (" + formatIsoBasic(now) + " - 15 min.)");
  }
  if (*when > now + kMaxSkew) {
    return denied(kInvalid, "Signature not yet current: " + amzDate + " is still later than " +
                                formatIsoBasic(now + kMaxSkew) + " (" + formatIsoBasic(now) + " + 15 min.)");
  }
  // A signed x-amz-content-sha256 stands in for the body in the canonical request: it must be the body's.
  const auto declared = declaredPayloadHash(req, auth.signedHeaders);
  if (req.headOnly && (!declared || *declared == "UNSIGNED-PAYLOAD")) {
    return SigV4Identity{std::string(scope[0]), std::string(scope[2]), std::string(scope[3])};
  }
  if (!req.headOnly && declared && *declared != sha256Hex(req.body)) {
    return denied(kInvalid, std::string(kMismatch));
  }

  const std::string_view credentialScope = auth.credential.substr(scope[0].size() + 1);  // date/region/service/...
  const std::string stringToSign = std::string(kAlgorithm) + '\n' + amzDate + '\n' + std::string(credentialScope) +
                                   '\n' + sha256Hex(canonicalRequest(req, auth.signedHeaders));
  std::string cacheId;
  std::optional<std::string> key;
  if (keys) {
    cacheId = SigningKeyCache::idOf(*secret, scope[1], scope[2], scope[3]);
    key = keys->find(cacheId);
  }
  const bool derived = !key;
  if (derived) key = deriveSigningKey(*secret, scope[1], scope[2], scope[3]);
  const std::string expected = hexEncode(hmacSha256(*key, stringToSign));
  if (!constantTimeEquals(expected, auth.signature)) {
    return denied(kInvalid, std::string(kMismatch));
  }
  if (keys && derived) keys->remember(std::move(cacheId), std::move(*key));  // it verified a signature
  return SigV4Identity{std::string(scope[0]), std::string(scope[2]), std::string(scope[3])};
}

}  // namespace portico::auth
