// Tests for the SigV4 signer: AWS's test-suite vectors and S3's worked examples signed from
// scratch, what it adds (date, token, payload hash) and leaves unsigned, and a round trip
// through the verifier.
#include "auth/sigv4_signer.h"

#include <gtest/gtest.h>

#include "auth/sigv4_vectors.h"
#include "auth/sigv4_verifier.h"
#include "support/fixed_clock.h"

namespace portico::auth {
namespace {

using std::chrono::sys_days;

std::string header(const sigv4::HeaderPairs& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (sigv4::equalsIgnoreCase(k, name)) return v;
  }
  return "(none)";
}

std::chrono::sys_seconds suiteTime() {
  return sys_days{std::chrono::year{2015} / 8 / 30} + std::chrono::hours{12} + std::chrono::minutes{36};
}

class SignerSuite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SignerSuite, SignsAsAwsDoes) {
  const SuiteCase& c = GetParam();
  sigv4::HeaderPairs headers{{"Host", "example.amazonaws.com"}};
  for (std::string_view rest = c.extraHeaders; !rest.empty(); rest.remove_prefix(rest.find('\n') + 1)) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    headers.emplace_back(line.substr(0, line.find(':')), line.substr(line.find(':') + 1));
  }
  signRequest(c.method, c.target, headers, "", {kSuiteKeyId, kSuiteSecret, ""},
              {.service = "service", .region = "us-east-1", .time = suiteTime()});
  EXPECT_EQ(header(headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(header(headers, "Authorization"),
            std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        "SignedHeaders=") +
                c.signedHeaders + ", Signature=" + c.signature);
}

INSTANTIATE_TEST_SUITE_P(Vectors, SignerSuite, ::testing::ValuesIn(kSuiteCases),
                         [](const ::testing::TestParamInfo<SuiteCase>& info) { return std::string(info.param.name); });

std::chrono::sys_seconds s3Time() {
  return sys_days{std::chrono::year{2013} / 5 / 24};
}

TEST(SignerS3, GetObjectExample) {
  sigv4::HeaderPairs headers{{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  signRequest("GET", "/test.txt", headers, "", {kS3KeyId, kS3Secret, ""},
              {.service = "s3", .region = "us-east-1", .time = s3Time(), .s3 = true});
  EXPECT_EQ(header(headers, "x-amz-content-sha256"), kEmptyHash);
  EXPECT_EQ(header(headers, "Authorization"),
            std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=") +
                kS3GetObjectSignature);
}

TEST(SignerS3, ListObjectsExample) {
  sigv4::HeaderPairs headers{{"Host", "examplebucket.s3.amazonaws.com"}};
  signRequest("GET", "/?max-keys=2&prefix=J", headers, "", {kS3KeyId, kS3Secret, ""},
              {.service = "s3", .region = "us-east-1", .time = s3Time(), .s3 = true});
  EXPECT_EQ(header(headers, "Authorization"),
            std::string("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=") +
                kS3ListObjectsSignature);
}

TEST(SignerS3, PathIsSignedAsSentButOtherServicesEncodeTwice) {
  // S3 signs the path as sent (%20 once); every other service signs each segment encoded again.
  sigv4::HeaderPairs s3{{"Host", "h"}}, other{{"Host", "h"}};
  const SignOptions base{.service = "s3", .region = "us-east-1", .time = s3Time(), .s3 = true};
  signRequest("GET", "/b/a%20b", s3, "", {"k", "s", ""}, base);
  EXPECT_EQ(sigv4::canonicalUri("/b/a%20b", true), "/b/a%20b");
  EXPECT_EQ(sigv4::canonicalUri("/b/a%20b", false), "/b/a%2520b");
  EXPECT_EQ(sigv4::canonicalUri("/b//./c/", true), "/b//./c/");
  EXPECT_EQ(sigv4::canonicalUri("/b//./c/", false), "/b/c/");
  SignOptions notS3 = base;
  notS3.s3 = false;
  signRequest("GET", "/b/a%20b", other, "", {"k", "s", ""}, notS3);
  EXPECT_NE(header(s3, "Authorization"), header(other, "Authorization"));
  EXPECT_EQ(header(other, "x-amz-content-sha256"), "(none)");  // only S3 (or UNSIGNED-PAYLOAD) sends it
}

TEST(Signer, UnsignedPayloadAndSessionToken) {
  sigv4::HeaderPairs headers{{"Host", "bucket.s3.amazonaws.com"}};
  signRequest("PUT", "/k", headers, "body bytes", {"AKID", "secret", "the-token"},
              {.service = "s3", .region = "eu-west-1", .time = s3Time(), .s3 = true, .unsignedPayload = true});
  EXPECT_EQ(header(headers, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(header(headers, "X-Amz-Security-Token"), "the-token");
  EXPECT_NE(header(headers, "Authorization")
                .find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                      "x-amz-security-token,"),
            std::string::npos)
      << header(headers, "Authorization");
}

TEST(Signer, LeavesHopHeadersUnsignedAndReplacesAnOldSignature) {
  sigv4::HeaderPairs headers{{"Host", "dynamodb.us-east-1.amazonaws.com"},
                             {"Content-Type", "application/x-amz-json-1.0"},
                             {"X-Amz-Target", "DynamoDB_20120810.PutItem"},
                             {"User-Agent", "AmazonAPIGateway_abc"},
                             {"Content-Length", "2"},
                             {"Authorization", "stale"},
                             {"X-Amz-Date", "19990101T000000Z"}};
  signRequest("POST", "/", headers, "{}", {"AKID", "secret", ""},
              {.service = "dynamodb", .region = "us-east-1", .time = s3Time()});
  const std::string auth = header(headers, "Authorization");
  EXPECT_NE(auth.find("SignedHeaders=content-type;host;x-amz-date;x-amz-target,"), std::string::npos) << auth;
  EXPECT_EQ(header(headers, "X-Amz-Date"), "20130524T000000Z");
  EXPECT_EQ(std::count_if(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Authorization"; }), 1);
}

class OneKey final : public CredentialSource {
 public:
  std::optional<std::string> secretFor(std::string_view id) const override {
    if (id == "AKID") return "secret";
    return std::nullopt;
  }
};

TEST(Signer, WhatItSignsTheVerifierAccepts) {
  sigv4::HeaderPairs headers{{"Host", "127.0.0.1:9000"}, {"Content-Type", "application/json"}};
  const std::string body = R"({"TableName":"t"})";
  const std::chrono::sys_seconds now = s3Time() + std::chrono::hours{5};
  signRequest("POST", "/a%20path/?b=2&a=1", headers, body, {"AKID", "secret", ""},
              {.service = "dynamodb", .region = "us-west-2", .time = now});
  FixedClock clock(now);
  auto id = verifySigV4({"POST", "/a%20path/?b=2&a=1", headers, body, "dynamodb", "us-west-2"}, OneKey{}, clock);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->accessKeyId, "AKID");
  // A changed body no longer verifies.
  auto tampered = verifySigV4({"POST", "/a%20path/?b=2&a=1", headers, "{}", "dynamodb", "us-west-2"}, OneKey{}, clock);
  EXPECT_FALSE(tampered);
}

TEST(Signer, RedactsAllButTheLastSixCharacters) {
  const std::string value = "AWS4-HMAC-SHA256 Credential=x, Signature=abcdef123456";
  EXPECT_EQ(redactAuthorization(value), std::string(value.size() - 6, '*') + "123456");
  EXPECT_EQ(redactAuthorization("abc"), "***");
}

}  // namespace
}  // namespace portico::auth
