// JwkSet: the public keys of a JSON Web Key Set (RFC 7517), as a Cognito user pool publishes them
// at https://cognito-idp.{region}.amazonaws.com/{poolId}/.well-known/jwks.json, ready for jwt.h to
// verify token signatures with (aws-behaviour.md §6, COGNITO_USER_POOLS authorizers).
//
// Parsing builds each key as an OpenSSL EVP_PKEY once, so a request only looks a key up by kid.
// A parsed set is immutable and safe to share between threads.
#pragma once
#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace portico::auth {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

/// One signature-verification key of a set.
struct Jwk {
  enum class Type { kRsa, kEcP256, kEcP384 };
  std::string kid;
  Type type = Type::kRsa;
  std::string alg;  // the key's "alg" member, empty when absent; when set, tokens must use it
  EvpPkeyPtr key;   // a public key
};

class JwkSet {
 public:
  /// Parses JWKS text {"keys": [...]}. RSA keys ({"kty":"RSA","kid","n","e"}, at least 2048 bits)
  /// and EC keys on P-256 or P-384 ({"kty":"EC","crv","kid","x","y"}) are kept. Keys of other
  /// types ("oct", "OKP", ...) or curves, and keys whose "use" is not "sig", are skipped.
  ///
  /// Malformed JSON, a missing "keys" array, or a kept key type with missing, mis-encoded or
  /// invalid members (a point off the curve, a short RSA modulus, no "kid", a repeated "kid") is
  /// an ApiError AuthorizerConfigurationException (500) saying what is wrong: a bad key is a
  /// configuration problem to surface, not something to drop quietly.
  static Result<JwkSet> parse(std::string_view jwksJson);

  /// The key with this kid, or nullptr.
  const Jwk* find(std::string_view kid) const;
  /// How many keys were kept.
  std::size_t size() const { return keys_.size(); }

 private:
  std::vector<Jwk> keys_;
};

}  // namespace portico::auth
