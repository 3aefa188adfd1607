// TemporaryCredentials (the keys minted for function environments) as the management API's
// verifier meets them: accepted with their session token, refused without it, with another one,
// once revoked, and as expired past their lifetime; bounded in number.
#include "auth/temporary_credentials.h"

#include <gtest/gtest.h>

#include "auth/credentials.h"
#include "auth/sigv4_signer.h"
#include "auth/sigv4_verifier.h"
#include "support/fixed_clock.h"

namespace portico::auth {
namespace {

using namespace std::chrono_literals;

const std::chrono::sys_seconds kStart = std::chrono::sys_days{std::chrono::year{2026} / 12 / 3} + 8h;

struct Signed {
  sigv4::HeaderPairs headers;
};

/// A Lambda ListFunctions request signed with `keys` (the token sent only when `token` is given).
Signed listFunctions(const std::string& id, const std::string& secret, const std::string& token,
                     std::chrono::sys_seconds at) {
  Signed s{{{"Host", "127.0.0.1:9002"}}};
  signRequest("GET", "/2015-03-31/functions/", s.headers, "", {id, secret, token},
              {.service = "lambda", .region = "us-east-1", .time = at});
  return s;
}

Result<SigV4Identity> verify(const Signed& s, const CredentialSource& source, const Clock& clock) {
  return verifySigV4({"GET", "/2015-03-31/functions/", s.headers, "", "lambda", "us-east-1"}, source, clock);
}

TEST(TemporaryCredentials, MintedKeysLookLikeAwsTemporaryOnes) {
  FixedClock clock(kStart);
  TemporaryCredentials minted(clock);
  auto a = minted.mint(1h), b = minted.mint(1h);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->accessKeyId.size(), 20u);
  EXPECT_TRUE(a->accessKeyId.starts_with("ASIA")) << a->accessKeyId;
  EXPECT_EQ(a->secretAccessKey.size(), 40u);
  EXPECT_FALSE(a->sessionToken.empty());
  EXPECT_NE(a->accessKeyId, b->accessKeyId);
  EXPECT_NE(a->secretAccessKey, b->secretAccessKey);
  EXPECT_EQ(a->expiresAt, kStart + 1h);
}

TEST(TemporaryCredentials, AcceptedWithTheirTokenOnly) {
  FixedClock clock(kStart);
  TemporaryCredentials minted(clock);
  auto keys = minted.mint(1h);
  ASSERT_TRUE(keys);
  auto ok = verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, keys->sessionToken, kStart), minted, clock);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->accessKeyId, keys->accessKeyId);

  auto noToken = verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, "", kStart), minted, clock);
  ASSERT_FALSE(noToken);
  EXPECT_EQ(noToken.error().type, "UnrecognizedClientException");
  EXPECT_EQ(noToken.error().status, 403);
  EXPECT_EQ(noToken.error().message, "The security token included in the request is invalid.");

  auto otherToken = verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, "another", kStart), minted, clock);
  ASSERT_FALSE(otherToken);
  EXPECT_EQ(otherToken.error().type, "UnrecognizedClientException");

  auto wrongSecret = verify(listFunctions(keys->accessKeyId, "not-it", keys->sessionToken, kStart), minted, clock);
  ASSERT_FALSE(wrongSecret);
  EXPECT_EQ(wrongSecret.error().type, "InvalidSignatureException");
}

TEST(TemporaryCredentials, ExpiredKeysAreRefusedAsExpired) {
  FixedClock clock(kStart);
  TemporaryCredentials minted(clock);
  auto keys = minted.mint(10min);
  ASSERT_TRUE(keys);
  const auto later = kStart + 10min;
  clock.set(later);
  auto expired =
      verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, keys->sessionToken, later), minted, clock);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().type, "ExpiredTokenException");
  EXPECT_EQ(expired.error().status, 403);
  EXPECT_EQ(expired.error().message, "The security token included in the request is expired");
  EXPECT_FALSE(minted.secretFor(keys->accessKeyId)) << "an expired secret signs nothing else (console sessions)";
}

TEST(TemporaryCredentials, RevokedKeysAreUnknown) {
  FixedClock clock(kStart);
  TemporaryCredentials minted(clock);
  auto keys = minted.mint(1h);
  ASSERT_TRUE(keys);
  minted.revoke(keys->accessKeyId);
  auto r = verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, keys->sessionToken, kStart), minted, clock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().type, "UnrecognizedClientException");
}

TEST(TemporaryCredentials, BoundedInNumber) {
  FixedClock clock(kStart);
  TemporaryCredentials minted(clock);
  for (std::size_t i = 0; i < TemporaryCredentials::kMaxLive; ++i) ASSERT_TRUE(minted.mint(1h)) << i;
  EXPECT_FALSE(minted.mint(1h)) << "no more than kMaxLive live sets";
  // Once they have long expired, minting makes room again.
  clock.set(kStart + 1h + TemporaryCredentials::kRememberExpired + 1s);
  EXPECT_TRUE(minted.mint(1h));
  EXPECT_EQ(minted.size(), 1u);
}

TEST(CredentialChain, LongTermKeysThenTemporaryOnes) {
  FixedClock clock(kStart);
  StaticCredentials fixed;
  fixed.add("test", "test");
  TemporaryCredentials minted(clock);
  auto keys = minted.mint(1h);
  ASSERT_TRUE(keys);
  CredentialChain chain(fixed, minted);
  EXPECT_TRUE(verify(listFunctions("test", "test", "", kStart), chain, clock));
  EXPECT_TRUE(
      verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, keys->sessionToken, kStart), chain, clock));
  EXPECT_FALSE(verify(listFunctions(keys->accessKeyId, keys->secretAccessKey, "", kStart), chain, clock));
  EXPECT_FALSE(verify(listFunctions("nobody", "x", "", kStart), chain, clock));
}

}  // namespace
}  // namespace portico::auth
