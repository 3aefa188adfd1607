#include "auth/jwk_set.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>
#include <optional>
#include <utility>

#include "common/base64.h"

namespace portico::auth {
namespace {

namespace bj = boost::json;

constexpr int kMinRsaBits = 2048;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

ApiError invalid(std::string what) {
  // OpenSSL leaves its reasons on the thread's error queue; TLS code on this thread reads that
  // queue, so a failure here must not leave anything behind.
  ERR_clear_error();
  return {"AuthorizerConfigurationException", 500, "Invalid JWKS: " + std::move(what)};
}

// A base64url member of a key, decoded; nullopt when missing or mis-encoded.
std::optional<std::string> bytesMember(const bj::object& jwk, std::string_view name) {
  const bj::value* v = jwk.if_contains(name);
  if (!v || !v->is_string()) return std::nullopt;
  auto bytes = base64UrlDecode(v->get_string());
  if (!bytes || bytes->empty()) return std::nullopt;
  return bytes;
}

// Builds a public EVP_PKEY of `type` ("RSA" or "EC") from OSSL_PARAMs and checks it is sound.
EvpPkeyPtr publicKeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  EvpPkeyPtr key(raw);
  // fromdata takes the numbers as given; the public check rejects e.g. an even RSA modulus or an
  // EC point that is not on the curve (an invalid-curve attack's way in).
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

Result<EvpPkeyPtr> rsaKey(const bj::object& jwk) {
  auto n = bytesMember(jwk, "n");
  auto e = bytesMember(jwk, "e");
  if (!n || !e) return invalid("an RSA key needs base64url \"n\" and \"e\"");
  BnPtr nBn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
  BnPtr eBn(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!nBn || !eBn || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, nBn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, eBn.get()) != 1) {
    return invalid("an RSA key could not be built");
  }
  EvpPkeyPtr key = publicKeyFromParams("RSA", bld.get());
  if (!key) return invalid("an RSA key is not a valid public key");
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) return invalid("an RSA key is shorter than 2048 bits");
  return key;
}

Result<EvpPkeyPtr> ecKey(const bj::object& jwk, const char* group, std::size_t coordinateBytes) {
  auto x = bytesMember(jwk, "x");
  auto y = bytesMember(jwk, "y");
  // RFC 7518 §6.2.1.2: each coordinate is the full field size, leading zeros included.
  if (!x || !y || x->size() != coordinateBytes || y->size() != coordinateBytes) {
    return invalid("an EC key needs base64url \"x\" and \"y\" of the curve's size");
  }
  const std::string point = '\x04' + *x + *y;  // SEC 1 uncompressed point
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return invalid("an EC key could not be built");
  }
  EvpPkeyPtr key = publicKeyFromParams("EC", bld.get());
  if (!key) return invalid("an EC key is not a valid point on its curve");
  return key;
}

}  // namespace

void EvpPkeyFree::operator()(EVP_PKEY* key) const {
  EVP_PKEY_free(key);
}

Result<JwkSet> JwkSet::parse(std::string_view jwksJson) {
  boost::system::error_code ec;
  const bj::value doc = bj::parse(jwksJson, ec);
  if (ec) return invalid("not JSON");
  const bj::value* keys = doc.is_object() ? doc.get_object().if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return invalid("no \"keys\" array");

  JwkSet set;
  for (const bj::value& item : keys->get_array()) {
    if (!item.is_object()) return invalid("a key is not a JSON object");
    const bj::object& jwk = item.get_object();
    const bj::value* kty = jwk.if_contains("kty");
    if (!kty || !kty->is_string()) return invalid("a key has no \"kty\"");
    if (const bj::value* use = jwk.if_contains("use"); use && !(use->is_string() && use->get_string() == "sig")) {
      continue;  // an encryption key
    }

    Jwk key;
    Result<EvpPkeyPtr> built = EvpPkeyPtr();
    if (kty->get_string() == "RSA") {
      key.type = Jwk::Type::kRsa;
      built = rsaKey(jwk);
    } else if (kty->get_string() == "EC") {
      const bj::value* crv = jwk.if_contains("crv");
      if (crv && crv->is_string() && crv->get_string() == "P-256") {
        key.type = Jwk::Type::kEcP256;
        built = ecKey(jwk, "prime256v1", 32);
      } else if (crv && crv->is_string() && crv->get_string() == "P-384") {
        key.type = Jwk::Type::kEcP384;
        built = ecKey(jwk, "secp384r1", 48);
      } else {
        continue;  // a curve no supported alg uses
      }
    } else {
      continue;  // "oct" (shared secrets are never accepted), "OKP", or something newer
    }
    if (!built) return built.takeError();

    const bj::value* kid = jwk.if_contains("kid");
    if (!kid || !kid->is_string() || kid->get_string().empty()) return invalid("a key has no \"kid\"");
    key.kid = std::string(kid->get_string());
    if (set.find(key.kid)) return invalid("the kid \"" + key.kid + "\" is used twice");
    if (const bj::value* alg = jwk.if_contains("alg")) {
      if (!alg->is_string()) return invalid("a key's \"alg\" is not a string");
      key.alg = std::string(alg->get_string());
    }
    key.key = std::move(built).value();
    set.keys_.push_back(std::move(key));
  }
  return set;
}

const Jwk* JwkSet::find(std::string_view kid) const {
  for (const Jwk& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

}  // namespace portico::auth
