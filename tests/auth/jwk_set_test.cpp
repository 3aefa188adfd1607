// Tests for JwkSet: RSA and EC keys parsed from JWKS text, keys skipped on purpose, and every
// malformed key that must be reported rather than dropped.
#include "auth/jwk_set.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include "auth/jws_test_support.h"

namespace portico::auth {
namespace {

namespace bj = boost::json;
using testing::b64url;
using testing::ecJwk;
using testing::jwks;
using testing::rsaJwk;

// Key generation is slow under ASan, so each key is made once for the whole suite.
class JwkSetParse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsaKey_ = testing::generateRsa(2048);
    p256Key_ = testing::generateEc("P-256");
    p384Key_ = testing::generateEc("P-384");
    rsa_ = rsaKey_.get();
    p256_ = p256Key_.get();
    p384_ = p384Key_.get();
  }
  static void TearDownTestSuite() {
    rsaKey_.reset();
    p256Key_.reset();
    p384Key_.reset();
  }
  static void expectInvalid(const std::string& text, std::string_view mentions) {
    auto set = JwkSet::parse(text);
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.error().type, "AuthorizerConfigurationException");
    EXPECT_EQ(set.error().status, 500);
    EXPECT_NE(set.error().message.find(mentions), std::string::npos) << set.error().message;
    EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left dirty";
  }

  static inline EvpPkeyPtr rsaKey_, p256Key_, p384Key_;
  // Borrowed views of the keys above, for brevity.
  static inline EVP_PKEY* rsa_ = nullptr;
  static inline EVP_PKEY* p256_ = nullptr;
  static inline EVP_PKEY* p384_ = nullptr;
};
TEST_F(JwkSetParse, KeepsRsaAndEcKeysByKid) {
  bj::object pinned = rsaJwk(rsa_, "rsa-pinned");
  pinned["alg"] = "RS256";
  auto set =
      JwkSet::parse(jwks({rsaJwk(rsa_, "rsa"), pinned, ecJwk(p256_, "p256", "P-256"), ecJwk(p384_, "p384", "P-384")}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(ERR_peek_error(), 0u) << "OpenSSL error queue left dirty";
  EXPECT_EQ(set->size(), 4u);
  ASSERT_NE(set->find("rsa"), nullptr);
  EXPECT_EQ(set->find("rsa")->type, Jwk::Type::kRsa);
  EXPECT_EQ(set->find("rsa")->alg, "");
  EXPECT_EQ(set->find("rsa-pinned")->alg, "RS256");
  EXPECT_EQ(set->find("p256")->type, Jwk::Type::kEcP256);
  EXPECT_EQ(set->find("p384")->type, Jwk::Type::kEcP384);
  EXPECT_EQ(EVP_PKEY_eq(set->find("p256")->key.get(), p256_), 1);
  EXPECT_EQ(EVP_PKEY_eq(set->find("rsa")->key.get(), rsa_), 1);
  EXPECT_EQ(set->find("nope"), nullptr);
  EXPECT_EQ(set->find(""), nullptr);
}

TEST_F(JwkSetParse, SkipsKeysItCannotUse) {
  bj::object encryption = rsaJwk(rsa_, "enc");
  encryption["use"] = "enc";
  auto set = JwkSet::parse(jwks({
      bj::object{{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}},
      bj::object{{"kty", "OKP"}, {"kid", "ed"}, {"crv", "Ed25519"}, {"x", "AAAA"}},
      bj::object{{"kty", "EC"}, {"kid", "k1"}, {"crv", "secp256k1"}, {"x", "AAAA"}, {"y", "AAAA"}},
      bj::object{{"kty", "EC"}, {"kid", "p521"}, {"crv", "P-521"}, {"x", "AAAA"}, {"y", "AAAA"}},
      encryption,
      rsaJwk(rsa_, "kept"),
  }));
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->size(), 1u);
  EXPECT_NE(set->find("kept"), nullptr);
  EXPECT_EQ(set->find("hmac"), nullptr);
  EXPECT_EQ(set->find("enc"), nullptr);
}

TEST_F(JwkSetParse, AcceptsAnEmptySet) {
  auto set = JwkSet::parse(R"({"keys":[]})");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), 0u);
}

TEST_F(JwkSetParse, RefusesMalformedDocuments) {
  expectInvalid("", "not JSON");
  expectInvalid("{\"keys\":[", "not JSON");
  expectInvalid("[]", "keys");
  expectInvalid("{}", "keys");
  expectInvalid(R"({"keys":{}})", "keys");
  expectInvalid(R"({"keys":["x"]})", "not a JSON object");
  expectInvalid(R"({"keys":[{"kid":"a"}]})", "kty");
}

TEST_F(JwkSetParse, RefusesBrokenRsaKeys) {
  bj::object noN = rsaJwk(rsa_, "a");
  noN.erase("n");
  expectInvalid(jwks({noN}), "\"n\"");
  bj::object badBase64 = rsaJwk(rsa_, "a");
  badBase64["e"] = "AQ+B";
  expectInvalid(jwks({badBase64}), "\"e\"");
  bj::object notString = rsaJwk(rsa_, "a");
  notString["n"] = 12345;
  expectInvalid(jwks({notString}), "\"n\"");
  bj::object evenModulus = rsaJwk(rsa_, "a");
  std::string n = *base64UrlDecode(evenModulus["n"].as_string());
  n.back() = static_cast<char>(n.back() & ~1);
  evenModulus["n"] = b64url(n);
  expectInvalid(jwks({evenModulus}), "not a valid public key");
  const EvpPkeyPtr small = testing::generateRsa(1024);
  expectInvalid(jwks({rsaJwk(small.get(), "small")}), "2048");
}

TEST_F(JwkSetParse, RefusesBrokenEcKeys) {
  bj::object shortX = ecJwk(p256_, "a", "P-256");
  shortX["x"] = b64url(std::string(31, '\x01'));
  expectInvalid(jwks({shortX}), "curve's size");
  bj::object wrongCurve = ecJwk(p384_, "a", "P-384");
  wrongCurve["crv"] = "P-256";  // 48-byte coordinates labelled P-256
  expectInvalid(jwks({wrongCurve}), "curve's size");
  bj::object offCurve = ecJwk(p256_, "a", "P-256");
  std::string y = *base64UrlDecode(offCurve["y"].as_string());
  y.back() = static_cast<char>(y.back() ^ 1);
  offCurve["y"] = b64url(y);
  expectInvalid(jwks({offCurve}), "not a valid point");
  bj::object noY = ecJwk(p256_, "a", "P-256");
  noY.erase("y");
  expectInvalid(jwks({noY}), "\"y\"");
}

TEST_F(JwkSetParse, RefusesMissingOrRepeatedKids) {
  bj::object noKid = rsaJwk(rsa_, "a");
  noKid.erase("kid");
  expectInvalid(jwks({noKid}), "kid");
  expectInvalid(jwks({rsaJwk(rsa_, "")}), "kid");
  expectInvalid(jwks({rsaJwk(rsa_, "same"), ecJwk(p256_, "same", "P-256")}), "used twice");
  bj::object algNumber = rsaJwk(rsa_, "a");
  algNumber["alg"] = 256;
  expectInvalid(jwks({algNumber}), "alg");
}

}  // namespace
}  // namespace portico::auth
