// Tests for verifyJwt: RS*/ES* tokens signed here with generated keys and checked against a
// JWKS built here, then every refusal: tampering, wrong or unknown keys, "none" and HMAC,
// algorithm/key confusion, the time claims, issuer, audience/client_id, token_use, scope, and
// malformed token strings.
#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <chrono>

#include "auth/jws_test_support.h"
#include "common/digest.h"

namespace portico::auth {
namespace {

namespace bj = boost::json;
using testing::b64url;
using testing::signToken;

constexpr std::int64_t kNow = 1'700'000'000;
const std::chrono::system_clock::time_point kNowTime{std::chrono::seconds(kNow)};
constexpr const char* kIssuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";

// Key generation is slow under ASan, so the keys and the set are made once for the suite.
class JwtVerify : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsaKey_ = testing::generateRsa(2048);
    otherRsaKey_ = testing::generateRsa(2048);
    p256Key_ = testing::generateEc("P-256");
    p384Key_ = testing::generateEc("P-384");
    rsa_ = rsaKey_.get();
    otherRsa_ = otherRsaKey_.get();
    p256_ = p256Key_.get();
    p384_ = p384Key_.get();
    bj::object pinned = testing::rsaJwk(rsa_, "rsa-pinned");
    pinned["alg"] = "RS256";
    auto set =
        JwkSet::parse(testing::jwks({testing::rsaJwk(rsa_, "rsa1"), pinned, testing::ecJwk(p256_, "ec1", "P-256"),
                                     testing::ecJwk(p384_, "ec384", "P-384")}));
    ASSERT_TRUE(set.ok()) << set.error().message;
    keys_ = std::make_unique<JwkSet>(std::move(set).value());
  }
  static void TearDownTestSuite() {
    keys_.reset();
    rsaKey_.reset();
    otherRsaKey_.reset();
    p256Key_.reset();
    p384Key_.reset();
  }

  // An ID token as Cognito issues it, valid for an hour from kNow.
  static bj::object idClaims() {
    return {{"sub", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"},
            {"iss", kIssuer},
            {"aud", "client-a"},
            {"token_use", "id"},
            {"auth_time", kNow - 10},
            {"iat", kNow - 10},
            {"exp", kNow + 3600},
            {"email", "pat@example.com"},
            {"cognito:groups", bj::array{"admins"}}};
  }
  // An access token: no "aud", the app client in "client_id", and scopes.
  static bj::object accessClaims() {
    bj::object claims = idClaims();
    claims.erase("aud");
    claims.erase("email");
    claims["token_use"] = "access";
    claims["client_id"] = "client-a";
    claims["scope"] = "openid pets/read";
    return claims;
  }
  static bj::object header(std::string_view alg, std::string_view kid) { return {{"alg", alg}, {"kid", kid}}; }

  static JwtRequirements cognito() {
    JwtRequirements req;
    req.issuer = kIssuer;
    req.clientIds = {"client-a"};
    req.tokenUses = {"id", "access"};
    return req;
  }

  static std::string rs256(const bj::object& claims) { return signToken(rsa_, header("RS256", "rsa1"), claims); }

  static void expectRefused(const std::string& token, std::string_view reason, const JwtRequirements& req = cognito(),
                            std::chrono::system_clock::time_point now = kNowTime) {
    auto claims = verifyJwt(token, *keys_, req, now);
    ASSERT_FALSE(claims.ok()) << "accepted: " << token;
    EXPECT_EQ(claims.error().message, reason) << token;
    EXPECT_EQ(claims.error().status, 401);
    EXPECT_EQ(claims.error().type, "UnauthorizedException");
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left dirty";
  }
  static void expectAccepted(const std::string& token, const JwtRequirements& req = cognito(),
                             std::chrono::system_clock::time_point now = kNowTime) {
    auto claims = verifyJwt(token, *keys_, req, now);
    EXPECT_TRUE(claims.ok()) << claims.error().message << ": " << token;
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left dirty";
  }

  static inline EvpPkeyPtr rsaKey_, otherRsaKey_, p256Key_, p384Key_;
  // Borrowed views of the keys above, for brevity.
  static inline EVP_PKEY* rsa_ = nullptr;
  static inline EVP_PKEY* otherRsa_ = nullptr;
  static inline EVP_PKEY* p256_ = nullptr;
  static inline EVP_PKEY* p384_ = nullptr;
  static inline std::unique_ptr<JwkSet> keys_;
};

// --- Accepted tokens.

TEST_F(JwtVerify, AcceptsRs256AndReturnsTheClaims) {
  auto claims = verifyJwt(rs256(idClaims()), *keys_, cognito(), kNowTime);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(*claims, idClaims());
  EXPECT_EQ(claims->at("email").as_string(), "pat@example.com");
}

TEST_F(JwtVerify, AcceptsEs256AndReturnsTheClaims) {
  auto claims = verifyJwt(signToken(p256_, header("ES256", "ec1"), accessClaims()), *keys_, cognito(), kNowTime);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(*claims, accessClaims());
}

TEST_F(JwtVerify, AcceptsTheOtherAlgorithms) {
  expectAccepted(signToken(rsa_, header("RS384", "rsa1"), idClaims()));
  expectAccepted(signToken(rsa_, header("RS512", "rsa1"), idClaims()));
  expectAccepted(signToken(p384_, header("ES384", "ec384"), idClaims()));
  expectAccepted(signToken(rsa_, header("RS256", "rsa-pinned"), idClaims()));
}

TEST_F(JwtVerify, IgnoresUnknownHeaderMembers) {
  bj::object h = header("RS256", "rsa1");
  h["typ"] = "JWT";
  h["x-custom"] = bj::object{{"a", 1}};
  expectAccepted(signToken(rsa_, h, idClaims()));
}

TEST_F(JwtVerify, WithoutRequirementsOnlySignatureAndTimesAreChecked) {
  bj::object claims{{"exp", kNow + 60}};
  expectAccepted(rs256(claims), JwtRequirements{});
}

// --- Signatures and keys.

TEST_F(JwtVerify, RefusesATamperedPayload) {
  const std::string token = rs256(idClaims());
  bj::object forged = idClaims();
  forged["cognito:groups"] = bj::array{"admins", "root"};
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  const std::string tampered = token.substr(0, first + 1) + b64url(bj::serialize(forged)) + token.substr(second);
  expectRefused(tampered, "bad signature");
  const std::string es = signToken(p256_, header("ES256", "ec1"), idClaims());
  const std::size_t esFirst = es.find('.');
  expectRefused(es.substr(0, esFirst + 1) + b64url(bj::serialize(forged)) + es.substr(es.find('.', esFirst + 1)),
                "bad signature");
}

TEST_F(JwtVerify, RefusesATamperedHeaderOrSignature) {
  const std::string token = rs256(idClaims());
  // The same key and claims, but the header now says RS384: the signature no longer fits.
  const std::string relabelled = b64url(bj::serialize(header("RS384", "rsa1"))) + token.substr(token.find('.'));
  expectRefused(relabelled, "bad signature");
  std::string flipped = token;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  expectRefused(flipped, "bad signature");
  expectRefused(token.substr(0, token.rfind('.') + 1), "bad signature");           // no signature
  expectRefused(token.substr(0, token.rfind('.') + 1) + "ab+/", "bad signature");  // not base64url
}

TEST_F(JwtVerify, RefusesATokenSignedByAnotherKey) {
  expectRefused(signToken(otherRsa_, header("RS256", "rsa1"), idClaims()), "bad signature");
  // The key travelling in the header is never trusted.
  bj::object h = header("RS256", "rsa1");
  h["jwk"] = testing::rsaJwk(otherRsa_, "rsa1");
  h["jku"] = "https://attacker.example/jwks.json";
  expectRefused(signToken(otherRsa_, h, idClaims()), "bad signature");
  const EvpPkeyPtr otherP256 = testing::generateEc("P-256");
  expectRefused(signToken(otherP256.get(), header("ES256", "ec1"), idClaims()), "bad signature");
}

TEST_F(JwtVerify, RefusesUnknownOrMissingKids) {
  expectRefused(signToken(rsa_, header("RS256", "rsa2"), idClaims()), "unknown kid");
  expectRefused(signToken(rsa_, bj::object{{"alg", "RS256"}}, idClaims()), "missing kid");
  expectRefused(signToken(rsa_, bj::object{{"alg", "RS256"}, {"kid", 1}}, idClaims()), "missing kid");
}

TEST_F(JwtVerify, RefusesAlgNone) {
  const std::string unsigned_ = b64url(R"({"alg":"none","kid":"rsa1"})") + "." + b64url(bj::serialize(idClaims()));
  expectRefused(unsigned_ + ".", "unsupported alg");
  expectRefused(unsigned_ + "." + b64url("x"), "unsupported alg");
  expectRefused(b64url(R"({"alg":"None","kid":"rsa1"})") + "." + b64url(bj::serialize(idClaims())) + ".",
                "unsupported alg");
}

TEST_F(JwtVerify, RefusesHmacEvenKeyedWithThePublicKey) {
  // The classic confusion: an HS256 token whose secret is the RSA public key's modulus.
  const std::string input = b64url(bj::serialize(header("HS256", "rsa1"))) + "." + b64url(bj::serialize(idClaims()));
  const std::string secret = testing::bnParam(rsa_, OSSL_PKEY_PARAM_RSA_N);
  expectRefused(input + "." + b64url(hmacSha256(secret, input)), "unsupported alg");
  expectRefused(signToken(rsa_, header("PS256", "rsa1"), idClaims()), "unsupported alg");
  expectRefused(b64url(R"({"alg":256,"kid":"rsa1"})") + ".e30.AAAA", "malformed header");
  expectRefused(b64url(R"({"kid":"rsa1"})") + ".e30.AAAA", "malformed header");
}

TEST_F(JwtVerify, RefusesAKeyOfAnotherTypeOrAlg) {
  expectRefused(signToken(p256_, header("ES256", "rsa1"), idClaims()), "key does not fit alg");
  expectRefused(signToken(rsa_, header("RS256", "ec1"), idClaims()), "key does not fit alg");
  expectRefused(signToken(p384_, header("ES384", "ec1"), idClaims()), "key does not fit alg");
  expectRefused(signToken(rsa_, header("RS512", "rsa-pinned"), idClaims()), "key does not fit alg");
}

TEST_F(JwtVerify, RefusesEcdsaSignaturesNotInRawForm) {
  const std::string input = b64url(bj::serialize(header("ES256", "ec1"))) + "." + b64url(bj::serialize(idClaims()));
  const std::string raw = testing::sign("ES256", p256_, input);
  ASSERT_EQ(raw.size(), 64u);
  expectAccepted(input + "." + b64url(raw));
  // DER as OpenSSL produces it, a truncated signature, and r and s swapped.
  expectRefused(input + "." + b64url(testing::sign("RS256", p256_, input)), "bad signature");
  expectRefused(input + "." + b64url(raw.substr(0, 63)), "bad signature");
  expectRefused(input + "." + b64url(raw.substr(32) + raw.substr(0, 32)), "bad signature");
  expectRefused(input + "." + b64url(std::string(64, '\0')), "bad signature");
}

TEST_F(JwtVerify, RefusesCriticalHeaderExtensions) {
  bj::object h = header("RS256", "rsa1");
  h["crit"] = bj::array{"exp"};
  expectRefused(signToken(rsa_, h, idClaims()), "unsupported crit");
}

// --- Malformed token strings.

TEST_F(JwtVerify, RefusesMalformedTokens) {
  const std::string good = rs256(idClaims());
  expectRefused("", "malformed token");
  expectRefused("abc", "malformed token");
  expectRefused("a.b", "malformed token");
  expectRefused(good + ".extra", "malformed token");
  expectRefused("Bearer " + good, "malformed header");  // the gateway strips any scheme first
  expectRefused("..", "malformed header");
  expectRefused("!!!." + good.substr(good.find('.') + 1), "malformed header");
  expectRefused(b64url("not json") + good.substr(good.find('.')), "malformed header");
  expectRefused(b64url(R"(["RS256"])") + good.substr(good.find('.')), "malformed header");
  // Padded base64: the alphabet is right, but JWS parts carry no padding.
  expectRefused(base64Encode(R"({"alg":"RS256","kid":"rsa1"})") + good.substr(good.find('.')), "malformed token");
}

TEST_F(JwtVerify, RefusesSignedButMalformedClaims) {
  for (const std::string payload : {"not json", "[1,2]", "\"exp\"", ""}) {
    const std::string input = b64url(bj::serialize(header("RS256", "rsa1"))) + "." + b64url(payload);
    expectRefused(input + "." + b64url(testing::sign("RS256", rsa_, input)), "malformed claims");
  }
}

// --- Time claims.

TEST_F(JwtVerify, RefusesExpiredTokensWithinLeeway) {
  bj::object claims = idClaims();
  claims["exp"] = kNow - 6;
  expectRefused(rs256(claims), "expired");
  claims["exp"] = kNow - 4;  // within the default 5 s leeway
  expectAccepted(rs256(claims));
  JwtRequirements strict = cognito();
  strict.leeway = std::chrono::seconds(0);
  claims["exp"] = kNow;  // exp is the first instant the token is no longer valid
  expectRefused(rs256(claims), "expired", strict);
  claims["exp"] = kNow + 1;
  expectAccepted(rs256(claims), strict);
  expectRefused(rs256(idClaims()), "expired", cognito(), kNowTime + std::chrono::hours(2));
  claims["exp"] = static_cast<double>(kNow) + 0.5;  // NumericDate may be fractional
  expectAccepted(rs256(claims), strict);
  expectRefused(rs256(claims), "expired", strict, kNowTime + std::chrono::milliseconds(600));
}

TEST_F(JwtVerify, RequiresANumericExp) {
  bj::object claims = idClaims();
  claims.erase("exp");
  expectRefused(rs256(claims), "missing exp");
  claims["exp"] = std::to_string(kNow + 3600);
  expectRefused(rs256(claims), "invalid exp");
  claims["exp"] = nullptr;
  expectRefused(rs256(claims), "invalid exp");
  // A number past a double's range (1e999, which the JSON parser reads as infinity) is no date:
  // it would otherwise be a token that never expires.
  auto signedRaw = [&](std::string_view times) {
    bj::object base = idClaims();
    if (times.starts_with(R"("exp")")) base.erase("exp");
    std::string text = bj::serialize(base);
    text.insert(text.size() - 1, std::string(",") + std::string(times));
    const std::string input = b64url(bj::serialize(header("RS256", "rsa1"))) + "." + b64url(text);
    return input + "." + b64url(testing::sign("RS256", rsa_, input));
  };
  expectRefused(signedRaw(R"("exp":1e999)"), "invalid exp");
  expectRefused(signedRaw(R"("exp":-1e999)"), "invalid exp");
  expectRefused(signedRaw(R"("nbf":-1e999)"), "invalid nbf");
  expectAccepted(signedRaw(R"("nbf":1.6e9)"));  // a double that is a date still counts
}

TEST_F(JwtVerify, RefusesTokensNotYetValid) {
  bj::object claims = idClaims();
  claims["nbf"] = kNow + 60;
  expectRefused(rs256(claims), "not yet valid");
  claims["nbf"] = kNow + 3;  // within leeway
  expectAccepted(rs256(claims));
  claims["nbf"] = "later";
  expectRefused(rs256(claims), "invalid nbf");
}

TEST_F(JwtVerify, RefusesTokensIssuedInTheFuture) {
  bj::object claims = idClaims();
  claims["iat"] = kNow + 60;
  expectRefused(rs256(claims), "issued in the future");
  claims["iat"] = kNow + 3;
  expectAccepted(rs256(claims));
  claims["iat"] = bj::array{};
  expectRefused(rs256(claims), "invalid iat");
}

// --- Requirements.

TEST_F(JwtVerify, RefusesAnotherIssuer) {
  bj::object claims = idClaims();
  claims["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other";
  expectRefused(rs256(claims), "issuer mismatch");
  claims["iss"] = std::string(kIssuer) + "/";
  expectRefused(rs256(claims), "issuer mismatch");
  claims.erase("iss");
  expectRefused(rs256(claims), "issuer mismatch");
  JwtRequirements anyIssuer = cognito();
  anyIssuer.issuer.clear();
  expectAccepted(rs256(claims), anyIssuer);
}

TEST_F(JwtVerify, ChecksAudienceStringOrArray) {
  bj::object claims = idClaims();
  claims["aud"] = "client-b";
  expectRefused(rs256(claims), "audience mismatch");
  claims["aud"] = bj::array{"other", "client-a"};
  expectAccepted(rs256(claims));
  claims["aud"] = bj::array{"other", "client-b"};
  expectRefused(rs256(claims), "audience mismatch");
  claims["aud"] = bj::array{};
  expectRefused(rs256(claims), "audience mismatch");
  claims["aud"] = 7;
  expectRefused(rs256(claims), "audience mismatch");
  claims.erase("aud");
  expectRefused(rs256(claims), "audience mismatch");
  JwtRequirements twoClients = cognito();
  twoClients.clientIds = {"client-x", "client-b"};
  claims["aud"] = "client-b";
  expectAccepted(rs256(claims), twoClients);
}

TEST_F(JwtVerify, ChecksAccessTokensClientId) {
  expectAccepted(rs256(accessClaims()));
  bj::object claims = accessClaims();
  claims["client_id"] = "client-b";
  expectRefused(rs256(claims), "audience mismatch");
  claims.erase("client_id");
  expectRefused(rs256(claims), "audience mismatch");
}

TEST_F(JwtVerify, ChecksTokenUse) {
  bj::object claims = idClaims();
  claims["token_use"] = "refresh";
  expectRefused(rs256(claims), "token_use not allowed");
  claims.erase("token_use");
  expectRefused(rs256(claims), "token_use not allowed");
  JwtRequirements accessOnly = cognito();
  accessOnly.tokenUses = {"access"};
  expectRefused(rs256(idClaims()), "token_use not allowed", accessOnly);
  expectAccepted(rs256(accessClaims()), accessOnly);
}

TEST_F(JwtVerify, ChecksScopes) {
  JwtRequirements req = cognito();
  req.scopes = {"pets/write", "pets/read"};
  expectAccepted(rs256(accessClaims()), req);
  bj::object claims = accessClaims();
  claims["scope"] = "openid pets/readonly";
  expectRefused(rs256(claims), "scope mismatch", req);
  claims.erase("scope");
  expectRefused(rs256(claims), "scope mismatch", req);
  claims["scope"] = "pets/read";
  expectAccepted(rs256(claims), req);
}

}  // namespace
}  // namespace portico::auth
