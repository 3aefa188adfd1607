#include "control/sigv4_verifier.h"

#include <gtest/gtest.h>

#include <ctime>

#include "control/credentials.h"

namespace portico::control {
namespace {

std::chrono::system_clock::time_point at(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// AWS's SigV4 test suite, "get-vanilla" (docs: Signature Version 4 test suite).
TEST(SigV4, AwsTestSuiteGetVanilla) {
  StaticCredentials creds;
  creds.add("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  FixedClock clock(at(2015, 8, 30, 12, 36, 0));
  SigV4Request req{"GET",
                   "/",
                   {{"Host", "example.amazonaws.com"},
                    {"X-Amz-Date", "20150830T123600Z"},
                    {"Authorization",
                     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                     "SignedHeaders=host;x-amz-date, "
                     "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}},
                   ""};
  auto id = verifySigV4(req, creds, clock);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->accessKeyId, "AKIDEXAMPLE");
  EXPECT_EQ(id->service, "service");
}

// The AWS CLI v2 capture in aws-cli-wire.md (create-rest-api, secret "test").
SigV4Request cliCreateRestApi(std::string_view body, std::string_view signature) {
  static std::string auth;
  auth =
      "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/apigateway/aws4_request, "
      "SignedHeaders=accept;content-type;host;x-amz-date, Signature=" +
      std::string(signature);
  return SigV4Request{"POST",
                      "/restapis",
                      {{"Host", "127.0.0.1:4599"},
                       {"Accept-Encoding", "identity"},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"},
                       {"X-Amz-Date", "20261125T045924Z"},
                       {"Authorization", auth}},
                      body};
}

constexpr std::string_view kCliBody =
    R"({"name": "demo", "description": "kit demo", "apiKeySource": "HEADER", "endpointConfiguration": {"types": ["REGIONAL"]}, "tags": {"env": "dev"}})";
constexpr std::string_view kCliSignature = "aebf8efdf1597a848e58aefd5c1bf1e35c1faa237b3f6d9ae24b15934edb77cf";

struct CliCapture : ::testing::Test {
  StaticCredentials creds;
  FixedClock clock{at(2026, 11, 25, 5, 0, 0)};
  void SetUp() override { creds.add("test", "test"); }
};

TEST_F(CliCapture, CanonicalRequestMatchesDocumentedHash) {
  EXPECT_EQ(sha256Hex(kCliBody), "ae7256ca9201dd17f3f2f74b5c2059f35a63678006e96e4dfab5b5b58b666e0e");
  auto req = cliCreateRestApi(kCliBody, kCliSignature);
  EXPECT_EQ(sha256Hex(canonicalRequest(req, "accept;content-type;host;x-amz-date")),
            "6819e5dca2e9f1da1d2264f1a7849c74d8323b15e09a61a11bfd2b47e608336f");
}

TEST_F(CliCapture, Verifies) {
  auto id = verifySigV4(cliCreateRestApi(kCliBody, kCliSignature), creds, clock);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->region, "us-east-1");
  EXPECT_EQ(id->service, "apigateway");
}

TEST_F(CliCapture, TamperedBodyIsRejected) {
  std::string body(kCliBody);
  body[10] = 'X';
  auto id = verifySigV4(cliCreateRestApi(body, kCliSignature), creds, clock);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().status, 403);
  EXPECT_EQ(id.error().type, "InvalidSignatureException");
  EXPECT_EQ(id.error().message.rfind("The request signature we calculated does not match", 0), 0u);
}

TEST_F(CliCapture, UnknownKeyIsRejected) {
  StaticCredentials other;
  other.add("someone", "else");
  auto id = verifySigV4(cliCreateRestApi(kCliBody, kCliSignature), other, clock);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().type, "UnrecognizedClientException");
  EXPECT_EQ(id.error().message, "The security token included in the request is invalid.");
}

TEST_F(CliCapture, ExpiredAndFutureAreRejected) {
  clock.set(at(2026, 11, 25, 5, 15, 25));
  auto late = verifySigV4(cliCreateRestApi(kCliBody, kCliSignature), creds, clock);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().message,
            "Signature expired: 20261125T045924Z is now earlier than 20261125T050025Z (20261125T051525Z - 15 min.)");
  clock.set(at(2026, 11, 25, 4, 40, 0));
  auto early = verifySigV4(cliCreateRestApi(kCliBody, kCliSignature), creds, clock);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().type, "InvalidSignatureException");
}

TEST(SigV4, MissingAndIncompleteHeaders) {
  StaticCredentials creds;
  creds.add("test", "test");
  FixedClock clock(at(2026, 1, 1, 0, 0, 0));
  SigV4Request none{"GET", "/restapis", {{"Host", "h"}}, ""};
  auto a = verifySigV4(none, creds, clock);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().type, "MissingAuthenticationTokenException");
  EXPECT_EQ(a.error().message, "Missing Authentication Token");
  SigV4Request partial{
      "GET",
      "/restapis",
      {{"Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/apigateway/aws4_request"}},
      ""};
  auto b = verifySigV4(partial, creds, clock);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().type, "IncompleteSignatureException");
  EXPECT_NE(b.error().message.find("requires 'Signature' parameter"), std::string::npos);
  SigV4Request bogus{"GET", "/restapis", {{"Authorization", "Basic dGVzdDp0ZXN0"}}, ""};
  auto c = verifySigV4(bogus, creds, clock);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().type, "IncompleteSignatureException");
}

TEST(SigV4, CanonicalUriAndQuery) {
  SigV4Request req{"POST", "/2015-03-31/functions/hello%3Alive/invocations?position=x%20y%2Fz%2B&limit=2", {}, ""};
  std::string canon = canonicalRequest(req, "");
  EXPECT_NE(canon.find("\n/2015-03-31/functions/hello%253Alive/invocations\n"), std::string::npos) << canon;
  EXPECT_NE(canon.find("\nlimit=2&position=x%20y%2Fz%2B\n"), std::string::npos) << canon;
}

}  // namespace
}  // namespace portico::control
