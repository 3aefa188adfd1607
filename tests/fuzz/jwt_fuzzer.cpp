// libFuzzer target: verifyJwt and JwkSet::parse; byte 0 picks the mode (raw token, JWKS text, or "header\nclaims"
// the harness signs with its own fresh keys) and the requirements. Invariants: only tokens signed here verify, with
// their claims intact and in date; refusals are the documented 401/500 errors and leave OpenSSL's error queue empty.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jwk_set.h"
#include "auth/jwt.h"
#include "common/base64.h"

namespace bj = boost::json;
using portico::Result;
using portico::auth::EvpPkeyPtr;

namespace {

constexpr std::int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z
constexpr std::string_view kIssuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fuzz";

std::string base64Url(std::string_view bytes) {
  std::string s = portico::base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::string bnBytes(const EVP_PKEY* key, const char* param, int width) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) __builtin_trap();
  std::string out(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

// The harness's private keys and the public JWKS built from them (fresh each process: nothing can sign a
// token for this set except SignedToken below).
struct Keys {
  EvpPkeyPtr rsa{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048))};
  EvpPkeyPtr p256{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  EvpPkeyPtr p384{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")};
  std::optional<portico::auth::JwkSet> set;

  Keys() {
    if (!rsa || !p256 || !p384) __builtin_trap();
    auto ec = [](const EVP_PKEY* k, const char* kid, const char* crv, int width, const char* alg) {
      bj::object o{{"kty", "EC"},
                   {"kid", kid},
                   {"crv", crv},
                   {"use", "sig"},
                   {"x", base64Url(bnBytes(k, OSSL_PKEY_PARAM_EC_PUB_X, width))},
                   {"y", base64Url(bnBytes(k, OSSL_PKEY_PARAM_EC_PUB_Y, width))}};
      if (alg) o["alg"] = alg;
      return o;
    };
    bj::array list{bj::object{{"kty", "RSA"},
                              {"kid", "rsa-1"},
                              {"n", base64Url(bnBytes(rsa.get(), OSSL_PKEY_PARAM_RSA_N, 0))},
                              {"e", base64Url(bnBytes(rsa.get(), OSSL_PKEY_PARAM_RSA_E, 0))}},
                   ec(p256.get(), "ec-256", "P-256", 32, "ES256"), ec(p384.get(), "ec-384", "P-384", 48, nullptr),
                   bj::object{{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}}};
    auto parsed = portico::auth::JwkSet::parse(bj::serialize(bj::object{{"keys", std::move(list)}}));
    if (!parsed || parsed->size() != 3) __builtin_trap();
    set.emplace(std::move(parsed).value());
  }
};

const Keys& keys() {
  static const Keys k;
  return k;
}

struct SigningChoice {
  const EVP_PKEY* key;
  const EVP_MD* md;
  int ecBytes;      // 0 for RSA
  const char* kid;  // the kid of this key in the set
};

SigningChoice signingFor(std::string_view alg) {
  const Keys& k = keys();
  if (alg == "RS384") return {k.rsa.get(), EVP_sha384(), 0, "rsa-1"};
  if (alg == "RS512") return {k.rsa.get(), EVP_sha512(), 0, "rsa-1"};
  if (alg == "ES256") return {k.p256.get(), EVP_sha256(), 32, "ec-256"};
  if (alg == "ES384") return {k.p384.get(), EVP_sha384(), 48, "ec-384"};
  return {k.rsa.get(), EVP_sha256(), 0, "rsa-1"};  // RS256, and whatever else the header names
}

// A JWS signature of `input` (ECDSA as JWS's raw r||s).
std::string sign(const SigningChoice& how, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx, nullptr, how.md, nullptr, const_cast<EVP_PKEY*>(how.key)) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, in, input.size()) != 1) {
    __builtin_trap();
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1) __builtin_trap();
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  if (how.ecBytes == 0) return sig;
  const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size()));
  if (!parsed) __builtin_trap();
  std::string raw(2 * static_cast<std::size_t>(how.ecBytes), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(parsed), out, how.ecBytes);
  BN_bn2binpad(ECDSA_SIG_get0_s(parsed), out + how.ecBytes, how.ecBytes);
  ECDSA_SIG_free(parsed);
  return raw;
}

std::optional<double> number(const bj::object& o, std::string_view name) {
  const bj::value* v = o.if_contains(name);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

// What a verified token must satisfy, checked independently of jwt.cpp.
void checkAccepted(const bj::object& claims, const portico::auth::JwtRequirements& req) {
  const double now = static_cast<double>(kNow), leeway = static_cast<double>(req.leeway.count());
  const auto exp = number(claims, "exp");
  if (!exp || !(now < *exp + leeway)) __builtin_trap();
  for (std::string_view name : {"nbf", "iat"}) {
    if (claims.contains(name) && !(number(claims, name) && *number(claims, name) <= now + leeway)) __builtin_trap();
  }
  if (!req.issuer.empty()) {
    const bj::value* iss = claims.if_contains("iss");
    if (!iss || !iss->is_string() || iss->get_string() != req.issuer) __builtin_trap();
  }
}

Result<bj::object> verify(std::string_view token, const portico::auth::JwtRequirements& req) {
  ERR_clear_error();
  auto result = portico::auth::verifyJwt(token, *keys().set, req, std::chrono::system_clock::from_time_t(kNow));
  if (ERR_peek_error() != 0) __builtin_trap();  // left on the thread's error queue
  if (!result && (result.error().status != 401 || result.error().type != "UnauthorizedException")) __builtin_trap();
  if (result) checkAccepted(*result, req);
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  portico::auth::JwtRequirements req;
  if (flags & 0x04) req.issuer = kIssuer;
  if (flags & 0x08) req.clientIds = {"client-a", "client-b"};
  if (flags & 0x10) req.tokenUses = {"id", "access"};
  if (flags & 0x20) req.scopes = {"openid", "pets/read"};
  if (flags & 0x40) req.leeway = std::chrono::seconds(0);

  switch (flags & 0x03) {
    case 0:  // a raw token: nothing but our own signatures verifies against this set
      if (verify(rest, req)) __builtin_trap();
      break;
    case 1: {  // a JWKS document
      ERR_clear_error();
      auto set = portico::auth::JwkSet::parse(rest);
      if (ERR_peek_error() != 0) __builtin_trap();
      if (!set) {
        if (set.error().status != 500 || set.error().type != "AuthorizerConfigurationException") __builtin_trap();
        break;
      }
      boost::system::error_code ec;
      const bj::value doc = bj::parse(rest, ec);
      if (ec || !doc.is_object() || !doc.get_object().contains("keys") || !doc.at("keys").is_array() ||
          set->size() > doc.at("keys").get_array().size()) {
        __builtin_trap();
      }
      break;
    }
    default: {  // header \n claims, signed here with the key the header's alg names
      const std::size_t newline = rest.find('\n');
      const std::string_view headerText = rest.substr(0, newline);
      const std::string_view claimsText = newline == std::string_view::npos ? "" : rest.substr(newline + 1);
      boost::system::error_code ec;
      const bj::value header = bj::parse(headerText, ec);
      const bj::object* h = !ec && header.is_object() ? &header.get_object() : nullptr;
      const bj::value* alg = h ? h->if_contains("alg") : nullptr;
      const std::string_view algName = alg && alg->is_string() ? std::string_view(alg->get_string()) : "";
      const SigningChoice how = signingFor(algName);
      const std::string input = base64Url(headerText) + '.' + base64Url(claimsText);
      const std::string token = input + '.' + base64Url(sign(how, input));
      auto result = verify(token, req);

      const bj::value* kid = h ? h->if_contains("kid") : nullptr;
      const bool fits = (algName == "RS256" || algName == "RS384" || algName == "RS512" || algName == "ES256" ||
                         algName == "ES384") &&
                        !h->contains("crit") && kid && kid->is_string() && kid->get_string() == how.kid;
      if (!fits) {
        if (result) __builtin_trap();  // a header that names no key of the set, or the wrong one
        break;
      }
      if (!result) {
        // Signed properly with the key named: only the claims may be refused.
        const std::string& why = result.error().message;
        if (why == "bad signature" || why == "malformed token" || why == "malformed header" ||
            why == "unsupported alg" || why == "missing kid" || why == "unknown kid" || why == "key does not fit alg") {
          __builtin_trap();
        }
        break;
      }
      const bj::value claims = bj::parse(claimsText, ec);
      // Claims as signed; compared as text because Boost.JSON reads some literals (0e309) as NaN, never equal to
      // itself.
      if (ec || !claims.is_object() || bj::serialize(claims) != bj::serialize(*result)) __builtin_trap();
      // The signature covers the claims: change one character of the payload and it must be refused.
      std::string tampered = token;
      char& c = tampered[tampered.find('.') + 1];
      c = c == 'A' ? 'B' : 'A';
      if (verify(tampered, req)) __builtin_trap();
      break;
    }
  }
  return 0;
}
