// Tests for the SigV4 verifier: AWS's published test-suite vectors, the AWS CLI capture from
// aws-cli-wire.md, canonicalisation details, and every 403 the verifier can answer.
#include "auth/sigv4_verifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "auth/sigv4_vectors.h"
#include "support/fixed_clock.h"

namespace portico::auth {
namespace {

class MapCredentials final : public CredentialSource {
 public:
  MapCredentials(std::initializer_list<std::pair<const std::string, std::string>> keys) : keys_(keys) {}
  std::optional<std::string> secretFor(std::string_view accessKeyId) const override {
    auto it = keys_.find(accessKeyId);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string, std::less<>> keys_;
};

std::chrono::system_clock::time_point at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return std::chrono::sys_days{std::chrono::year{y} / mo / d} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

const MapCredentials kSuiteCreds{{kSuiteKeyId, kSuiteSecret}};

SigV4Request suiteRequest(const SuiteCase& c) {
  SigV4Request req{c.method, c.target, {{"Host", "example.amazonaws.com"}}, ""};
  for (std::string_view rest = c.extraHeaders; !rest.empty(); rest.remove_prefix(rest.find('\n') + 1)) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    req.headers.emplace_back(line.substr(0, line.find(':')), line.substr(line.find(':') + 1));
  }
  req.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  req.headers.emplace_back("Authorization",
                           std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                                       "aws4_request, SignedHeaders=") +
                               c.signedHeaders + ", Signature=" + c.signature);
  return req;
}

class AwsTestSuite : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(AwsTestSuite, Verifies) {
  FixedClock clock(at(2015, 8, 30, 12, 36, 0));
  auto id = verifySigV4(suiteRequest(GetParam()), kSuiteCreds, clock);
  ASSERT_TRUE(id) << id.error().type << ": " << id.error().message;
  EXPECT_EQ(id->accessKeyId, "AKIDEXAMPLE");
  EXPECT_EQ(id->region, "us-east-1");
  EXPECT_EQ(id->service, "service");
}

INSTANTIATE_TEST_SUITE_P(Vectors, AwsTestSuite, ::testing::ValuesIn(kSuiteCases),
                         [](const ::testing::TestParamInfo<SuiteCase>& info) { return std::string(info.param.name); });

TEST(SigV4Suite, GetVanillaCanonicalRequestHash) {
  // get-vanilla.sts: the string to sign ends with the hash of the canonical request.
  SigV4Request req{"GET", "/", {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, ""};
  EXPECT_EQ(canonicalRequest(req, "host;x-amz-date"),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + kEmptyHash);
  EXPECT_EQ(sha256Hex(canonicalRequest(req, "host;x-amz-date")),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

// The 2011 edition of the suite signed a Date header (IMF-fixdate) instead of X-Amz-Date, with the query
// sorted by value: GET /?foo=Zoo&foo=aha, scope 20110909/us-east-1/host.
TEST(SigV4Suite, DateHeaderFallback2011) {
  SigV4Request req{
      "GET",
      "/?foo=Zoo&foo=aha",
      {{"Date", "Mon, 09 Sep 2011 23:36:00 GMT"},
       {"Host", "host.foo.com"},
       {"Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, "
        "SignedHeaders=date;host, Signature=be7148d34ebccdc6423b19085378aa0bee970bdc61d144bd1a8c48c33079ab09"}},
      ""};
  EXPECT_EQ(sha256Hex(canonicalRequest(req, "date;host")),
            "e25f777ba161a0f1baf778a87faf057187cf5987f17953320e3ca399feb5f00d");
  FixedClock clock(at(2011, 9, 9, 23, 40, 0));
  auto id = verifySigV4(req, kSuiteCreds, clock);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->service, "host");
}

TEST(SigV4Crypto, KnownAnswers) {
  EXPECT_EQ(sha256Hex(""), kEmptyHash);
  // RFC 4231, test case 2.
  std::string mac = hmacSha256("Jefe", "what do ya want for nothing?");
  ASSERT_EQ(mac.size(), 32u);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : mac) hex += {kHex[c >> 4], kHex[c & 0xF]};
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// --- The AWS CLI v2 capture in aws-cli-wire.md (create-rest-api, access key and secret "test").
constexpr std::string_view kCliBody = R"({"name": "demo", "description": "kit demo", "apiKeySource": "HEADER", )"
                                      R"("endpointConfiguration": {"types": ["REGIONAL"]}, "tags": {"env": "dev"}})";
constexpr std::string_view kCliSignature = "aebf8efdf1597a848e58aefd5c1bf1e35c1faa237b3f6d9ae24b15934edb77cf";
const MapCredentials kCliCreds{{"test", "test"}};

SigV4Request cliRequest(std::string_view body, std::string_view signature = kCliSignature) {
  return SigV4Request{"POST",
                      "/restapis",
                      {{"Host", "127.0.0.1:4599"},
                       {"Accept-Encoding", "identity"},
                       {"Content-Type", "application/json"},
                       {"User-Agent",
                        "aws-cli/2.9.19 Python/3.11.2 Linux/6.18.44-fc-v595 source/x86_64.debian.12 "
                        "prompt/off command/apigateway.create-rest-api"},
                       {"Accept", "application/json"},
                       {"X-Amz-Date", "20261125T045924Z"},
                       {"Authorization",
                        "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/apigateway/aws4_request, "
                        "SignedHeaders=accept;content-type;host;x-amz-date, Signature=" +
                            std::string(signature)},
                       {"Content-Length", "143"}},
                      body};
}

class CliCapture : public ::testing::Test {
 protected:
  FixedClock clock{at(2026, 11, 25, 5, 0, 0)};
};

TEST_F(CliCapture, CanonicalRequestMatchesTheDocument) {
  ASSERT_EQ(kCliBody.size(), 143u);  // Content-Length as sent
  EXPECT_EQ(sha256Hex(kCliBody), "ae7256ca9201dd17f3f2f74b5c2059f35a63678006e96e4dfab5b5b58b666e0e");
  std::string canonical = canonicalRequest(cliRequest(kCliBody), "accept;content-type;host;x-amz-date");
  EXPECT_EQ(canonical,
            "POST\n/restapis\n\naccept:application/json\ncontent-type:application/json\nhost:127.0.0.1:4599\n"
            "x-amz-date:20261125T045924Z\n\naccept;content-type;host;x-amz-date\n"
            "ae7256ca9201dd17f3f2f74b5c2059f35a63678006e96e4dfab5b5b58b666e0e");
  EXPECT_EQ(sha256Hex(canonical), "6819e5dca2e9f1da1d2264f1a7849c74d8323b15e09a61a11bfd2b47e608336f");
}

TEST_F(CliCapture, Verifies) {
  auto id = verifySigV4(cliRequest(kCliBody), kCliCreds, clock);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->accessKeyId, "test");
  EXPECT_EQ(id->region, "us-east-1");
  EXPECT_EQ(id->service, "apigateway");
}

void expectDenied(const Result<SigV4Identity>& r, std::string_view type, std::string_view message) {
  ASSERT_FALSE(r) << "expected " << type;
  EXPECT_EQ(r.error().status, 403);
  EXPECT_EQ(r.error().type, type);
  EXPECT_EQ(r.error().message, message);
}

constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
    "and signing method. Consult the service documentation for details.";

TEST_F(CliCapture, TamperedBodyIsRejected) {
  std::string body(kCliBody);
  body.replace(body.find("demo"), 4, "evil");
  expectDenied(verifySigV4(cliRequest(body), kCliCreds, clock), "InvalidSignatureException", kMismatch);
}

TEST_F(CliCapture, TamperedSignatureIsRejected) {
  std::string sig(kCliSignature);
  sig[0] = 'b';
  expectDenied(verifySigV4(cliRequest(kCliBody, sig), kCliCreds, clock), "InvalidSignatureException", kMismatch);
  expectDenied(verifySigV4(cliRequest(kCliBody, kCliSignature.substr(0, 63)), kCliCreds, clock),
               "InvalidSignatureException", kMismatch);
}

TEST_F(CliCapture, WrongSecretIsRejected) {
  expectDenied(verifySigV4(cliRequest(kCliBody), MapCredentials{{"test", "not-test"}}, clock),
               "InvalidSignatureException", kMismatch);
}

TEST_F(CliCapture, RemembersTheSigningKeyPerSecretAndScope) {
  SigningKeyCache keys;
  // Keys that verified nothing are not kept: a wrong secret, a tampered signature.
  expectDenied(verifySigV4(cliRequest(kCliBody), MapCredentials{{"test", "not-test"}}, clock, &keys),
               "InvalidSignatureException", kMismatch);
  std::string sig(kCliSignature);
  sig[0] = 'b';
  expectDenied(verifySigV4(cliRequest(kCliBody, sig), kCliCreds, clock, &keys), "InvalidSignatureException", kMismatch);
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_EQ(keys.hits(), 0u);
  for (int i = 0; i < 3; ++i) {
    auto id = verifySigV4(cliRequest(kCliBody), kCliCreds, clock, &keys);
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(id->service, "apigateway");
  }
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys.hits(), 2u) << "derived once, then remembered";
  // A remembered key still checks every signature; a rotated secret is another key.
  expectDenied(verifySigV4(cliRequest(kCliBody, sig), kCliCreds, clock, &keys), "InvalidSignatureException", kMismatch);
  expectDenied(verifySigV4(cliRequest(kCliBody), MapCredentials{{"test", "not-test"}}, clock, &keys),
               "InvalidSignatureException", kMismatch);
  EXPECT_EQ(keys.size(), 1u);
}

TEST_F(CliCapture, UnknownAccessKeyIsRejected) {
  expectDenied(verifySigV4(cliRequest(kCliBody), MapCredentials{{"someone", "else"}}, clock),
               "UnrecognizedClientException", "The security token included in the request is invalid.");
}

TEST(SigV4Errors, ExpiredAndNotYetCurrent) {
  SigV4Request req = suiteRequest({"get_vanilla", "GET", "/", "", "host;x-amz-date",
                                   "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"});
  FixedClock clock(at(2015, 8, 30, 13, 1, 0));
  expectDenied(verifySigV4(req, kSuiteCreds, clock), "InvalidSignatureException",
               "Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T130100Z - 15 min.)");
  clock.set(at(2015, 8, 30, 12, 20, 0));
  expectDenied(
      verifySigV4(req, kSuiteCreds, clock), "InvalidSignatureException",
      "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)");
  clock.set(at(2015, 8, 30, 12, 51, 0));  // exactly 15 minutes either side is still accepted
  EXPECT_TRUE(verifySigV4(req, kSuiteCreds, clock));
  clock.set(at(2015, 8, 30, 12, 21, 0));
  EXPECT_TRUE(verifySigV4(req, kSuiteCreds, clock));
}

TEST(SigV4Errors, MissingAuthorization) {
  FixedClock clock(at(2026, 11, 25, 5, 0, 0));
  SigV4Request req{"GET", "/restapis", {{"Host", "h"}, {"X-Amz-Date", "20261125T045924Z"}}, ""};
  expectDenied(verifySigV4(req, kCliCreds, clock), "MissingAuthenticationTokenException",
               "Missing Authentication Token");
  req.target = "/restapis?X-Amz-Signature=abc&X-Amz-Credential=x";
  auto presigned = verifySigV4(req, kCliCreds, clock);
  ASSERT_FALSE(presigned);
  EXPECT_EQ(presigned.error().type, "IncompleteSignatureException");
}

TEST(SigV4Errors, IncompleteAuthorization) {
  FixedClock clock(at(2026, 11, 25, 5, 0, 0));
  SigV4Request bearer{"GET", "/restapis", {{"Host", "h"}, {"Authorization", "Bearer eyJhbGciOi"}}, ""};
  expectDenied(verifySigV4(bearer, kCliCreds, clock), "IncompleteSignatureException",
               "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
               "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
               "existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJhbGciOi");

  const std::string partial = "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/apigateway/aws4_request";
  SigV4Request noSignature{"GET", "/restapis", {{"Authorization", partial}, {"X-Amz-Date", "20261125T045924Z"}}, ""};
  expectDenied(verifySigV4(noSignature, kCliCreds, clock), "IncompleteSignatureException",
               "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
               "parameter. Authorization=" +
                   partial);

  SigV4Request noDate = cliRequest(kCliBody);
  std::erase_if(noDate.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  auto r = verifySigV4(noDate, kCliCreds, clock);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 403);
  EXPECT_EQ(r.error().type, "IncompleteSignatureException");
  EXPECT_EQ(r.error().message.rfind("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                                    "header. Authorization=AWS4-HMAC-SHA256 Credential=test/",
                                    0),
            0u)
      << r.error().message;

  SigV4Request sha512 = cliRequest(kCliBody);
  for (auto& [k, v] : sha512.headers) {
    if (k == "Authorization") v.replace(0, 16, "AWS4-HMAC-SHA512");
  }
  expectDenied(verifySigV4(sha512, kCliCreds, clock), "IncompleteSignatureException",
               "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'");
}

TEST(SigV4Errors, ScopeDateMustMatchRequestDate) {
  SigV4Request req = cliRequest(kCliBody);
  for (auto& [k, v] : req.headers) {
    if (k == "X-Amz-Date") v = "20261126T000100Z";
  }
  FixedClock clock(at(2026, 11, 26, 0, 0, 0));
  expectDenied(verifySigV4(req, kCliCreds, clock), "InvalidSignatureException",
               "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
               "'20261125' != '20261126', from '20261126T000100Z'.");
}

// A JS-SDK-style request that signs x-amz-content-sha256, signed here with the helpers checked above.
SigV4Request signedWithContentSha(std::string_view body, std::string_view declaredHash, std::string& authStorage) {
  SigV4Request req{"POST",
                   "/restapis",
                   {{"host", "127.0.0.1:4599"},
                    {"x-amz-content-sha256", std::string(declaredHash)},
                    {"x-amz-date", "20261125T045924Z"}},
                   body};
  constexpr std::string_view kSigned = "host;x-amz-content-sha256;x-amz-date";
  std::string toSign = "AWS4-HMAC-SHA256\n20261125T045924Z\n20261125/us-east-1/apigateway/aws4_request\n" +
                       sha256Hex(canonicalRequest(req, kSigned));
  std::string key =
      hmacSha256(hmacSha256(hmacSha256(hmacSha256("AWS4test", "20261125"), "us-east-1"), "apigateway"), "aws4_request");
  std::string mac = hmacSha256(key, toSign), hex;
  for (unsigned char c : mac) hex += {"0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 0xF]};
  authStorage = "AWS4-HMAC-SHA256 Credential=test/20261125/us-east-1/apigateway/aws4_request, SignedHeaders=" +
                std::string(kSigned) + ", Signature=" + hex;
  req.headers.emplace_back("authorization", authStorage);
  return req;
}

TEST(SigV4Payload, SignedContentShaMustMatchBody) {
  FixedClock clock(at(2026, 11, 25, 5, 0, 0));
  std::string auth;
  SigV4Request good = signedWithContentSha(kCliBody, sha256Hex(kCliBody), auth);
  EXPECT_TRUE(verifySigV4(good, kCliCreds, clock));
  SigV4Request lying = signedWithContentSha("{}", sha256Hex(kCliBody), auth);
  // The declared value, not the body's hash, goes into the canonical request...
  EXPECT_EQ(canonicalRequest(lying, "host;x-amz-content-sha256;x-amz-date").substr(0, 5), "POST\n");
  EXPECT_TRUE(canonicalRequest(lying, "host;x-amz-content-sha256;x-amz-date").ends_with("\n" + sha256Hex(kCliBody)));
  // ...so the verifier must check it against the body.
  expectDenied(verifySigV4(lying, kCliCreds, clock), "InvalidSignatureException", kMismatch);
}

TEST(SigV4Canonical, PercentEncodedPathIsEncodedAgain) {
  SigV4Request req{"POST", "/2015-03-31/functions/hello%3Alive/invocations", {}, ""};
  EXPECT_EQ(canonicalRequest(req, ""), "POST\n/2015-03-31/functions/hello%253Alive/invocations\n\n\n\n" + kEmptyHash);
}

TEST(SigV4Canonical, QueryIsDecodedReencodedAndSorted) {
  SigV4Request req{"GET", "/restapis?position=x%20y%2Fz%2B&limit=2", {}, ""};
  EXPECT_EQ(canonicalRequest(req, ""), "GET\n/restapis\nlimit=2&position=x%20y%2Fz%2B\n\n\n" + kEmptyHash);
  req.target = "/?b=2&a&a=1&c=x+y&%41=z";  // name without value, literal '+', encoded name
  EXPECT_EQ(canonicalRequest(req, ""), "GET\n/\nA=z&a=&a=1&b=2&c=x%2By\n\n\n" + kEmptyHash);
}

TEST(SigV4Canonical, PathSegmentsAreNormalised) {
  auto uri = [](std::string_view target) {
    std::string c = canonicalRequest(SigV4Request{"GET", target, {}, ""}, "");
    return c.substr(4, c.find('\n', 4) - 4);
  };
  EXPECT_EQ(uri("//example//"), "/example/");
  EXPECT_EQ(uri("/./example/../other/./x"), "/other/x");
  EXPECT_EQ(uri("/example/.."), "/");
  EXPECT_EQ(uri("/a b/~c"), "/a%20b/~c");
  EXPECT_EQ(uri(""), "/");
}

TEST(SigV4Canonical, HeaderValuesAreTrimmedAndCollapsed) {
  SigV4Request req{"GET", "/", {{"X-Multi", "  a \t  b  "}, {"x-multi", "c"}, {"Other", "unsigned"}}, ""};
  EXPECT_EQ(canonicalRequest(req, "x-multi"), "GET\n/\n\nx-multi:a b,c\n\nx-multi\n" + kEmptyHash);
}

}  // namespace
}  // namespace portico::auth

namespace portico::auth {
namespace {

// The credential scope must name the service being called and the region Portico serves.
TEST_F(CliCapture, ScopeMustNameTheCalledServiceAndRegion) {
  SigV4Request req = cliRequest(kCliBody);
  req.service = "apigateway";
  req.region = "us-east-1";
  EXPECT_TRUE(verifySigV4(req, kCliCreds, clock));
  req.service = "lambda";
  expectDenied(verifySigV4(req, kCliCreds, clock), "InvalidSignatureException",
               "Credential should be scoped to correct service: 'lambda'. ");
  req.service = "apigateway";
  req.region = "eu-west-1";
  expectDenied(verifySigV4(req, kCliCreds, clock), "InvalidSignatureException",
               "Credential should be scoped to a valid region, not 'us-east-1'. ");
}

}  // namespace
}  // namespace portico::auth
