// Test-side JOSE helpers for the JwkSet and JWT tests: generate keys, publish their public halves
// as JWKs, and sign compact JWS tokens (ECDSA signatures converted from DER to JWS's raw r||s).
#pragma once
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "auth/jwk_set.h"
#include "common/base64.h"

namespace portico::auth::testing {

namespace bj = boost::json;

inline EvpPkeyPtr generateRsa(std::size_t bits) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  if (!key) throw std::runtime_error("RSA keygen failed");
  return key;
}

/// curve: "P-256" or "P-384".
inline EvpPkeyPtr generateEc(const char* curve) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  if (!key) throw std::runtime_error("EC keygen failed");
  return key;
}

/// Unpadded base64url, as JWS and JWK use it.
inline std::string b64url(std::string_view bytes) {
  std::string text = base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

/// The big-endian bytes of a BIGNUM parameter of `key`, left-padded to `width` (0: minimal).
inline std::string bnParam(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no such key parameter");
  std::string out(static_cast<std::size_t>(width ? width : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

inline bj::object rsaJwk(EVP_PKEY* key, std::string_view kid) {
  return {{"kty", "RSA"},
          {"kid", kid},
          {"use", "sig"},
          {"n", b64url(bnParam(key, OSSL_PKEY_PARAM_RSA_N))},
          {"e", b64url(bnParam(key, OSSL_PKEY_PARAM_RSA_E))}};
}

/// curve: "P-256" or "P-384", as the key was generated.
inline bj::object ecJwk(EVP_PKEY* key, std::string_view kid, std::string_view curve) {
  const int width = curve == "P-256" ? 32 : 48;
  return {{"kty", "EC"},
          {"kid", kid},
          {"crv", curve},
          {"x", b64url(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_X, width))},
          {"y", b64url(bnParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, width))}};
}

inline std::string jwks(std::initializer_list<bj::object> keys) {
  bj::array array;
  for (const auto& key : keys) array.push_back(key);
  return bj::serialize(bj::object{{"keys", std::move(array)}});
}

inline const EVP_MD* digestFor(std::string_view alg) {
  if (alg.ends_with("384")) return EVP_sha384();
  if (alg.ends_with("512")) return EVP_sha512();
  return EVP_sha256();
}

/// Signs `data` with `key` the way JWS alg `alg` (RS*/ES*) does; ES* come back as raw r||s.
inline std::string sign(std::string_view alg, EVP_PKEY* key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digestFor(alg), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1) {
    throw std::runtime_error("sign init failed");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, in, data.size()) != 1) {
    throw std::runtime_error("sign failed");
  }
  signature.resize(size);
  if (!alg.starts_with("ES")) return signature;

  // DER SEQUENCE { r, s } → r||s, each padded to the curve size.
  const int width = alg == "ES256" ? 32 : 48;
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())), &ECDSA_SIG_free);
  if (!sig) throw std::runtime_error("bad DER signature");
  std::string raw(static_cast<std::size_t>(2 * width), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, width);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + width, width);
  return raw;
}

/// A compact JWS of `claims` with header `header`, signed as header["alg"] says.
inline std::string signToken(EVP_PKEY* key, const bj::object& header, const bj::object& claims) {
  const std::string input = b64url(bj::serialize(header)) + "." + b64url(bj::serialize(claims));
  return input + "." + b64url(sign(header.at("alg").as_string(), key, input));
}

}  // namespace portico::auth::testing
