// JWT verification for COGNITO_USER_POOLS authorizers: a compact JWS (RFC 7515) signed with
// RS256/RS384/RS512/ES256/ES384 by a key of a JwkSet, then the claims checks Cognito tokens need
// (RFC 7519; aws-behaviour.md §6; Cognito developer guide, amazon-cognito-user-pools-using-tokens-
// verifying-a-jwt).
//
// Only keys from the configured set are ever used: the header's "jku", "jwk" and "x5u" are
// ignored, "none" and the HMAC algorithms are refused, and the key must be of the type the
// header's alg names, so a public key can never be reused as an HMAC secret.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwk_set.h"
#include "common/result.h"

namespace portico::auth {

/// What a token must satisfy besides its signature. An empty string or list is not checked.
struct JwtRequirements {
  std::string issuer;                  // "iss" must equal this (a Cognito pool's issuer URL)
  std::vector<std::string> clientIds;  // "aud" (a string or an array) or, for Cognito access
                                       // tokens, "client_id" must hold one of these
  std::vector<std::string> tokenUses;  // "token_use" must be one of these ("id", "access")
  std::vector<std::string> scopes;     // the space-separated "scope" must hold one of these
  std::chrono::seconds leeway{5};      // clock skew tolerated by the exp, nbf and iat checks
};

/// Verifies `token` (header.payload.signature, base64url) against `keys` and `requirements` at
/// time `now`, and returns its claims.
///
/// Checks, in order: the token's shape and header; the alg (RS256, RS384, RS512, ES256, ES384)
/// and kid, which must name a key of the matching type (and alg, when the key pins one); the
/// signature (ES* signatures are JWS's raw r||s); then "exp" (required: refused from exp + leeway
/// on), "nbf" and "iat" (optional: refused when later than now + leeway), and the requirements.
///
/// A failure is an ApiError UnauthorizedException (401) whose message is a short reason for the
/// execution log, e.g. "malformed token", "unsupported alg", "unknown kid", "bad signature",
/// "expired", "issuer mismatch". The gateway answers every failure with the UNAUTHORIZED gateway
/// response and must not show the reason to the client.
Result<boost::json::object> verifyJwt(std::string_view token, const JwkSet& keys, const JwtRequirements& requirements,
                                      std::chrono::system_clock::time_point now);

}  // namespace portico::auth
