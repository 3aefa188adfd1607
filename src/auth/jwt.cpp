#include "auth/jwt.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "common/base64.h"

namespace portico::auth {
namespace {

namespace bj = boost::json;

struct Algorithm {
  std::string_view name;
  const EVP_MD* (*digest)();
  bool rsa;                     // RSASSA-PKCS1-v1_5, else ECDSA
  Jwk::Type keyType;            // the key type this alg needs
  std::size_t coordinateBytes;  // ECDSA: the size of r and of s in the raw signature
};

// RFC 7518 §3.1; PS* and HS* are deliberately absent (Cognito signs with RS256).
constexpr Algorithm kAlgorithms[] = {
    {"RS256", EVP_sha256, true, Jwk::Type::kRsa, 0},      {"RS384", EVP_sha384, true, Jwk::Type::kRsa, 0},
    {"RS512", EVP_sha512, true, Jwk::Type::kRsa, 0},      {"ES256", EVP_sha256, false, Jwk::Type::kEcP256, 32},
    {"ES384", EVP_sha384, false, Jwk::Type::kEcP384, 48},
};

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

ApiError refused(std::string reason) {
  // OpenSSL leaves its reasons on the thread's error queue; TLS code on this thread reads that
  // queue, so a refusal must not leave anything behind.
  ERR_clear_error();
  return {"UnauthorizedException", 401, std::move(reason)};
}

std::optional<bj::object> decodeJsonObject(std::string_view part) {
  auto text = base64UrlDecode(part);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  bj::value v = bj::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// JWS carries an ECDSA signature as r||s, each left-padded to the curve size (RFC 7518 §3.4);
// EVP_DigestVerify wants the DER SEQUENCE { INTEGER r, INTEGER s }. Empty when malformed.
std::string rawEcdsaToDer(std::string_view raw, std::size_t coordinateBytes) {
  if (raw.size() != 2 * coordinateBytes) return {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  const int half = static_cast<int>(coordinateBytes);
  BIGNUM* r = BN_bin2bn(bytes, half, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + coordinateBytes, half, nullptr);
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {  // set0 owns r and s only on success
    BN_free(r);
    BN_free(s);
    return {};
  }
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return {};
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != size) return {};
  return der;
}

bool signatureValid(const Algorithm& alg, EVP_PKEY* key, std::string_view signingInput, std::string_view signature) {
  std::string der;
  if (!alg.rsa) {
    der = rawEcdsaToDer(signature, alg.coordinateBytes);
    if (der.empty()) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, alg.digest(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size()) == 1;
}

// A NumericDate claim (seconds since the epoch, possibly fractional): absent → nullopt, a
// non-number → NaN, and so is a number too large to be finite (1e999 would never expire).
std::optional<double> numericDate(const bj::object& claims, std::string_view name) {
  const bj::value* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double() && std::isfinite(v->get_double())) return v->get_double();
  return std::numeric_limits<double>::quiet_NaN();
}

bool contains(const std::vector<std::string>& allowed, std::string_view value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool audienceAllowed(const bj::object& claims, const std::vector<std::string>& clientIds) {
  // ID tokens carry the app client id in "aud", access tokens in "client_id".
  if (const bj::value* aud = claims.if_contains("aud")) {
    if (aud->is_string() && contains(clientIds, aud->get_string())) return true;
    if (aud->is_array()) {
      for (const bj::value& item : aud->get_array()) {
        if (item.is_string() && contains(clientIds, item.get_string())) return true;
      }
    }
  }
  const bj::value* clientId = claims.if_contains("client_id");
  return clientId && clientId->is_string() && contains(clientIds, clientId->get_string());
}

bool scopeAllowed(const bj::object& claims, const std::vector<std::string>& scopes) {
  const bj::value* scope = claims.if_contains("scope");
  if (!scope || !scope->is_string()) return false;
  std::string_view rest = scope->get_string();
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    if (contains(scopes, rest.substr(0, space))) return true;
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  return false;
}

// The time and requirement checks, on claims whose signature has been verified.
std::optional<std::string> claimsProblem(const bj::object& claims, const JwtRequirements& req,
                                         std::chrono::system_clock::time_point now) {
  const double nowSeconds = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double leeway = static_cast<double>(req.leeway.count());
  // NaN compares false both ways, so each check is written to refuse a non-number too.
  const auto exp = numericDate(claims, "exp");
  if (!exp) return "missing exp";
  if (!(nowSeconds < *exp + leeway)) return std::isnan(*exp) ? "invalid exp" : "expired";
  if (const auto nbf = numericDate(claims, "nbf"); nbf && !(*nbf <= nowSeconds + leeway)) {
    return std::isnan(*nbf) ? "invalid nbf" : "not yet valid";
  }
  if (const auto iat = numericDate(claims, "iat"); iat && !(*iat <= nowSeconds + leeway)) {
    return std::isnan(*iat) ? "invalid iat" : "issued in the future";
  }
  if (!req.issuer.empty()) {
    const bj::value* iss = claims.if_contains("iss");
    if (!iss || !iss->is_string() || iss->get_string() != req.issuer) return "issuer mismatch";
  }
  if (!req.clientIds.empty() && !audienceAllowed(claims, req.clientIds)) return "audience mismatch";
  if (!req.tokenUses.empty()) {
    const bj::value* use = claims.if_contains("token_use");
    if (!use || !use->is_string() || !contains(req.tokenUses, use->get_string())) return "token_use not allowed";
  }
  if (!req.scopes.empty() && !scopeAllowed(claims, req.scopes)) return "scope mismatch";
  return std::nullopt;
}

}  // namespace

Result<bj::object> verifyJwt(std::string_view token, const JwkSet& keys, const JwtRequirements& requirements,
                             std::chrono::system_clock::time_point now) {
  const std::size_t firstDot = token.find('.');
  const std::size_t secondDot = firstDot == std::string_view::npos ? firstDot : token.find('.', firstDot + 1);
  // RFC 7515 §2: the parts are base64url without padding.
  if (secondDot == std::string_view::npos || token.find('.', secondDot + 1) != std::string_view::npos ||
      token.find('=') != std::string_view::npos) {
    return refused("malformed token");
  }
  const std::string_view signingInput = token.substr(0, secondDot);
  const std::string_view payloadPart = token.substr(firstDot + 1, secondDot - firstDot - 1);
  const std::string_view signaturePart = token.substr(secondDot + 1);

  const auto header = decodeJsonObject(token.substr(0, firstDot));
  if (!header) return refused("malformed header");
  const bj::value* algName = header->if_contains("alg");
  if (!algName || !algName->is_string()) return refused("malformed header");
  const auto* alg = std::find_if(std::begin(kAlgorithms), std::end(kAlgorithms),
                                 [&](const Algorithm& a) { return a.name == algName->get_string(); });
  if (alg == std::end(kAlgorithms)) return refused("unsupported alg");
  // RFC 7515 §4.1.11: extensions marked critical must be understood, and none are.
  if (header->contains("crit")) return refused("unsupported crit");
  const bj::value* kid = header->if_contains("kid");
  if (!kid || !kid->is_string()) return refused("missing kid");
  const Jwk* key = keys.find(kid->get_string());
  if (!key) return refused("unknown kid");
  if (key->type != alg->keyType || (!key->alg.empty() && key->alg != alg->name)) return refused("key does not fit alg");

  const auto signature = base64UrlDecode(signaturePart);
  if (!signature || !signatureValid(*alg, key->key.get(), signingInput, *signature)) return refused("bad signature");

  auto claims = decodeJsonObject(payloadPart);
  if (!claims) return refused("malformed claims");
  if (auto problem = claimsProblem(*claims, requirements, now)) return refused(std::move(*problem));
  return std::move(*claims);
}

}  // namespace portico::auth
