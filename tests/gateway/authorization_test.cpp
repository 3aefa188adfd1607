// Authorization through the loopback pipeline: AWS_IAM (SigV4 signed by the test itself, checked
// against an injected clock), COGNITO_USER_POOLS (tokens signed with a generated key published in
// the JWKS directory) and Lambda TOKEN / REQUEST authorizers (ScriptedInvoker functions). Each case
// asserts the exact status, body and x-amzn-ErrorType AWS answers, and what reaches $context.
#include <gtest/gtest.h>

#include <fstream>

#include "auth/jws_test_support.h"
#include "common/digest.h"
#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using verb = beast::http::verb;
using namespace std::chrono_literals;

void expectGatewayError(const http::Response& res, unsigned status, std::string_view body, std::string_view errorType) {
  EXPECT_EQ(res.result_int(), status) << res.body();
  EXPECT_EQ(res.body(), body);
  EXPECT_EQ(res["x-amzn-ErrorType"], errorType);
}

constexpr std::string_view kUnauthorized = R"({"message":"Unauthorized"})";

// ---- AWS_IAM

constexpr std::string_view kAccessKey = "AKIDLOOPBACK";
constexpr std::string_view kSecret = "loopback/secret+key";

/// Signs req (SigV4 header form: host;x-amz-date signed) the way the AWS SDKs do, written out
/// here rather than borrowed from Portico's verifier.
void sign(http::Request& req, std::string_view amzDate, std::string_view secret = kSecret,
          std::string_view region = "us-east-1", std::string_view service = "execute-api") {
  const std::string date(amzDate.substr(0, 8));
  req.set("X-Amz-Date", amzDate);
  const std::string canonical = std::string(req.method_string()) + "\n" + std::string(req.target()) + "\n" + "\n" +
                                "host:" + std::string(req[beast::http::field::host]) + "\n" +
                                "x-amz-date:" + std::string(amzDate) + "\n" + "\n" + "host;x-amz-date\n" +
                                sha256Hex(req.body());
  const std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string toSign = "AWS4-HMAC-SHA256\n" + std::string(amzDate) + "\n" + scope + "\n" + sha256Hex(canonical);
  std::string key = hmacSha256("AWS4" + std::string(secret), date);
  key = hmacSha256(key, region);
  key = hmacSha256(key, service);
  key = hmacSha256(key, "aws4_request");
  req.set(beast::http::field::authorization,
          "AWS4-HMAC-SHA256 Credential=" + std::string(kAccessKey) + "/" + scope +
              ", SignedHeaders=host;x-amz-date, Signature=" + hexEncode(hmacSha256(key, toSign)));
}

class IamAuthorization : public ::testing::Test {
 protected:
  void SetUp() override {
    gw_.credentials().add(std::string(kAccessKey), std::string(kSecret));
    DeploymentDoc doc;
    mockMethod(doc, "/iam", "GET",
               R"({"caller": "$context.identity.caller", "user": "$context.identity.user", )"
               R"("arn": "$context.identity.userArn", "key": "$context.identity.accessKey"})")["authorizationType"] =
        "AWS_IAM";
    mockMethod(doc, "/open", "GET");
    auto st = gw_.deploy(doc, stageDoc());
    ASSERT_TRUE(st) << st.error().message;
  }
  http::Request signedRequest(std::string_view secret = kSecret, std::string_view region = "us-east-1",
                              std::string_view service = "execute-api") {
    auto req = gw_.request(verb::get, "/iam");
    sign(req, "20240501T120000Z", secret, region, service);  // the stage's clock: 2024-05-01T12:00:00Z
    return req;
  }
  LoopbackStage gw_;
};

TEST_F(IamAuthorization, ASignedRequestReachesTheIntegrationWithItsIdentity) {
  auto res = gw_.send(signedRequest());
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"caller": "AKIDLOOPBACK", "user": "AKIDLOOPBACK", )"
                        R"("arn": "arn:aws:iam::000000000000:user/AKIDLOOPBACK", "key": "AKIDLOOPBACK"})");
  // Within the 15 minutes' skew, either way.
  gw_.clock().set(gw_.clock().now() + 14min);
  EXPECT_EQ(gw_.send(signedRequest()).result_int(), 200u);
  gw_.clock().set(gw_.clock().now() - 28min);
  EXPECT_EQ(gw_.send(signedRequest()).result_int(), 200u);
}

TEST_F(IamAuthorization, AnUnsignedRequestIsMissingItsToken) {
  expectGatewayError(gw_.get("/iam"), 403, R"({"message":"Missing Authentication Token"})",
                     "MissingAuthenticationTokenException");
  EXPECT_EQ(gw_.get("/open").result_int(), 200u) << "methods without AWS_IAM ignore signatures";
}

TEST_F(IamAuthorization, BadSignaturesAreRefusedWithAwsMessages) {
  expectGatewayError(gw_.send(signedRequest("wrong-secret")), 403,
                     R"({"message":"The request signature we calculated does not match the signature you provided. )"
                     R"(Check your AWS Secret Access Key and signing method. Consult the service documentation for )"
                     R"(details."})",
                     "InvalidSignatureException");
  expectGatewayError(gw_.send(signedRequest(kSecret, "eu-west-1")), 403,
                     R"({"message":"Credential should be scoped to a valid region, not 'eu-west-1'. "})",
                     "InvalidSignatureException");
  expectGatewayError(gw_.send(signedRequest(kSecret, "us-east-1", "s3")), 403,
                     R"({"message":"Credential should be scoped to correct service: 'execute-api'. "})",
                     "InvalidSignatureException");
  // A signed request whose target was changed after signing.
  auto moved = signedRequest();
  moved.target("/dev/iam?extra=1");
  EXPECT_EQ(gw_.send(std::move(moved)).result_int(), 403u);
}

TEST_F(IamAuthorization, AnUnknownAccessKeyIsDenied) {
  LoopbackStage other;  // no credentials at all
  DeploymentDoc doc;
  mockMethod(doc, "/iam", "GET")["authorizationType"] = "AWS_IAM";
  ASSERT_TRUE(other.deploy(doc, stageDoc()));
  auto req = other.request(verb::get, "/iam");
  sign(req, "20240501T120000Z");
  auto res = other.send(std::move(req));
  EXPECT_EQ(res.result_int(), 403u);
  EXPECT_NE(res.body().find("The security token included in the request is invalid."), std::string::npos) << res.body();
}

TEST_F(IamAuthorization, TheSignatureExpiresFifteenMinutesAfterItsDate) {
  auto req = signedRequest();
  gw_.clock().set(gw_.clock().now() + 16min);
  expectGatewayError(gw_.send(std::move(req)), 403,
                     R"({"message":"Signature expired: 20240501T120000Z is now earlier than 20240501T120100Z )"
                     R"x((20240501T121600Z - 15 min.)"})x",
                     "InvalidSignatureException");
  gw_.clock().set(gw_.clock().now() - 32min);
  expectGatewayError(gw_.send(signedRequest()), 403,
                     R"({"message":"Signature not yet current: 20240501T120000Z is still later than 20240501T115900Z )"
                     R"x((20240501T114400Z + 15 min.)"})x",
                     "InvalidSignatureException");
}

// ---- COGNITO_USER_POOLS

constexpr std::string_view kPool = "us-east-1_LoopPool";
constexpr std::string_view kClientPool = "us-east-1_Clients";

std::string issuer(std::string_view pool) {
  return "https://cognito-idp.us-east-1.amazonaws.com/" + std::string(pool);
}

class CognitoAuthorization : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = auth::testing::generateRsa(2048);
    writePool(kPool, bj::object{{"keys", bj::array{auth::testing::rsaJwk(key_.get(), "k1")}}});
    writePool(kClientPool, bj::object{{"keys", bj::array{auth::testing::rsaJwk(key_.get(), "k1")}},
                                      {"clientIds", bj::array{"app-1", "app-2"}}});
    DeploymentDoc doc;
    doc.add("authorizers", authorizer("pool", kPool));
    doc.add("authorizers", authorizer("clients", kClientPool));
    bj::object& cog = mockMethod(doc, "/cog", "GET",
                                 R"({"email": "$context.authorizer.claims.email", )"
                                 R"("sub": "$context.authorizer.claims.sub"})");
    cog["authorizationType"] = "COGNITO_USER_POOLS";
    cog["authorizerId"] = "pool";
    bj::object& scoped = mockMethod(doc, "/scoped", "GET", R"({"scope": "$context.authorizer.claims.scope"})");
    scoped["authorizationType"] = "COGNITO_USER_POOLS";
    scoped["authorizerId"] = "pool";
    scoped["authorizationScopes"] = bj::array{"pets/read"};
    bj::object& clients = mockMethod(doc, "/clients", "GET", R"({"sub": "$context.authorizer.claims.sub"})");
    clients["authorizationType"] = "COGNITO_USER_POOLS";
    clients["authorizerId"] = "clients";
    auto st = gw_.deploy(doc, stageDoc());
    ASSERT_TRUE(st) << st.error().message;
  }

  static bj::object authorizer(std::string_view id, std::string_view pool) {
    return bj::object{
        {"id", id},
        {"name", id},
        {"type", "COGNITO_USER_POOLS"},
        {"providerARNs", bj::array{"arn:aws:cognito-idp:us-east-1:000000000000:userpool/" + std::string(pool)}},
        {"identitySource", "method.request.header.Authorization"}};
  }
  void writePool(std::string_view pool, const bj::object& doc) {
    std::ofstream(gw_.jwksDir() / (std::string(pool) + ".json")) << bj::serialize(doc);
  }
  std::int64_t now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(gw_.clock().now().time_since_epoch()).count();
  }
  /// An ID token of kPool for eve, valid for 10 minutes from the stage's clock.
  bj::object idClaims() const {
    return bj::object{{"iss", issuer(kPool)}, {"token_use", "id"}, {"exp", now() + 600},
                      {"iat", now()},         {"sub", "u-1"},      {"email", "eve@example.com"}};
  }
  std::string token(const bj::object& claims, std::string_view kid = "k1") const {
    return auth::testing::signToken(key_.get(), bj::object{{"alg", "RS256"}, {"kid", kid}, {"typ", "JWT"}}, claims);
  }
  http::Response call(std::string_view path, std::string_view authorization) {
    auto req = gw_.request(verb::get, path);
    if (!authorization.empty()) req.set(beast::http::field::authorization, authorization);
    return gw_.send(std::move(req));
  }

  LoopbackStage gw_;
  auth::EvpPkeyPtr key_;
};

TEST_F(CognitoAuthorization, AValidIdTokenPutsItsClaimsInTheContext) {
  auto res = call("/cog", token(idClaims()));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"email": "eve@example.com", "sub": "u-1"})");
}

TEST_F(CognitoAuthorization, BadTokensAreUnauthorized) {
  bj::object expired = idClaims();
  expired["exp"] = now() - 60;
  bj::object otherIssuer = idClaims();
  otherIssuer["iss"] = "https://example.com/other";
  bj::object access = idClaims();
  access["token_use"] = "access";
  bj::object noExp = idClaims();
  noExp.erase("exp");
  std::string good = token(idClaims());
  std::string tampered = good.substr(0, good.size() - 4) + "AAAA";
  for (const std::string& bad : {token(expired), token(otherIssuer), token(access), token(noExp),
                                 token(idClaims(), "unknown-kid"), tampered, std::string("not.a.jwt")}) {
    expectGatewayError(call("/cog", bad), 401, kUnauthorized, "UnauthorizedException");
  }
  expectGatewayError(call("/cog", ""), 401, kUnauthorized, "UnauthorizedException");
}

TEST_F(CognitoAuthorization, ATokenExpiresWithTheClock) {
  const std::string t = token(idClaims());
  EXPECT_EQ(call("/cog", t).result_int(), 200u);
  gw_.clock().set(gw_.clock().now() + 600s);  // exp, within the 5 s leeway
  EXPECT_EQ(call("/cog", t).result_int(), 200u);
  gw_.clock().set(gw_.clock().now() + 6s);
  expectGatewayError(call("/cog", t), 401, kUnauthorized, "UnauthorizedException");
}

TEST_F(CognitoAuthorization, ScopedMethodsWantAnAccessTokenWithOneOfTheirScopes) {
  bj::object access{{"iss", issuer(kPool)},
                    {"token_use", "access"},
                    {"exp", now() + 600},
                    {"client_id", "c1"},
                    {"scope", "pets/read pets/write"}};
  auto res = call("/scoped", token(access));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"scope": "pets/read pets/write"})");
  access["scope"] = "pets/write";
  expectGatewayError(call("/scoped", token(access)), 401, kUnauthorized, "UnauthorizedException");
  expectGatewayError(call("/scoped", token(idClaims())), 401, kUnauthorized, "UnauthorizedException");
}

TEST_F(CognitoAuthorization, APoolsClientIdsBindTheAudience) {
  bj::object claims = idClaims();
  claims["iss"] = issuer(kClientPool);
  claims["aud"] = "app-2";
  EXPECT_EQ(call("/clients", token(claims)).result_int(), 200u);
  claims["aud"] = "someone-else";
  expectGatewayError(call("/clients", token(claims)), 401, kUnauthorized, "UnauthorizedException");
  claims.erase("aud");
  expectGatewayError(call("/clients", token(claims)), 401, kUnauthorized, "UnauthorizedException");
  // A token of another pool, even one signed with the same key.
  expectGatewayError(call("/clients", token(idClaims())), 401, kUnauthorized, "UnauthorizedException");
}

// ---- Lambda authorizers (TOKEN, REQUEST)

/// The authorizer of tests/e2e/integration_fixtures/authorizer.js: the identity names the outcome.
Result<functions::InvokeResult> authorizerFunction(const functions::InvokeRequest& request) {
  bj::object event = bj::parse(request.payload).as_object();
  const bool token = event.at("type").as_string() == "TOKEN";
  std::string who, tenant;
  if (token) {
    who = std::string(event.at("authorizationToken").as_string());
    if (who.starts_with("Bearer ")) who.erase(0, 7);
  } else {
    const bj::value* user = event.at("headers").as_object().if_contains("X-User");
    who = user && user->is_string() ? std::string(user->get_string()) : "nobody";
    const bj::value& query = event.at("queryStringParameters");
    const bj::value* t = query.is_object() ? query.as_object().if_contains("tenant") : nullptr;
    tenant = t && t->is_string() ? "@" + std::string(t->get_string()) : "";
  }
  auto policy = [](std::string principal, std::string_view effect, std::string resource) {
    return bj::object{
        {"principalId", std::move(principal)},
        {"policyDocument", bj::object{{"Version", "2012-10-17"},
                                      {"Statement", bj::array{bj::object{{"Action", "execute-api:Invoke"},
                                                                         {"Effect", effect},
                                                                         {"Resource", std::move(resource)}}}}}}};
  };
  const std::string anyMethod = stageArn() + "/*";
  if (who == "deny") return ScriptedInvoker::returns(bj::serialize(policy("denied", "Deny", anyMethod)));
  if (who == "unauthorized") return ScriptedInvoker::throws("Unauthorized");
  if (who == "broken") return ScriptedInvoker::throws("something else");
  if (who == "garbage") return ScriptedInvoker::returns(R"({"hello": "world"})");
  if (who == "postonly")
    return ScriptedInvoker::returns(bj::serialize(policy("poster", "Allow", stageArn() + "/POST/*")));
  bj::object answer = policy("user-" + who + tenant, "Allow", anyMethod);
  answer["context"] = bj::object{{"role", "admin"}, {"level", 7}, {"admin", true}};
  answer["usageIdentifierKey"] = "authorizer-named-key-0123456789";
  return ScriptedInvoker::returns(bj::serialize(answer));
}

class LambdaAuthorizers : public ::testing::Test {
 protected:
  void SetUp() override {
    gw_.functions().define("auth", authorizerFunction);
    DeploymentDoc doc;
    doc.api()["apiKeySource"] = "AUTHORIZER";
    doc.add("authorizers", bj::object{{"id", "tok"},
                                      {"name", "tok"},
                                      {"type", "TOKEN"},
                                      {"authorizerUri", lambdaUri("auth")},
                                      {"identitySource", "method.request.header.Authorization"},
                                      {"identityValidationExpression", "Bearer .+"},
                                      {"authorizerResultTtlInSeconds", 300}});
    doc.add("authorizers",
            bj::object{{"id", "req"},
                       {"name", "req"},
                       {"type", "REQUEST"},
                       {"authorizerUri", lambdaUri("auth")},
                       {"identitySource", "method.request.header.X-User, method.request.querystring.tenant"},
                       {"authorizerResultTtlInSeconds", 300}});
    doc.add("authorizers", bj::object{{"id", "req0"},
                                      {"name", "req0"},
                                      {"type", "REQUEST"},
                                      {"authorizerUri", lambdaUri("auth")},
                                      {"identitySource", "method.request.header.X-User"},
                                      {"authorizerResultTtlInSeconds", 0}});
    doc.add("authorizers", bj::object{{"id", "gone"},
                                      {"name", "gone"},
                                      {"type", "TOKEN"},
                                      {"authorizerUri", lambdaUri("no-such-function")},
                                      {"identitySource", "method.request.header.Authorization"}});
    const std::string echo = R"({"principal": "$context.authorizer.principalId", "role": "$context.authorizer.role", )"
                             R"("level": "$context.authorizer.level", "admin": "$context.authorizer.admin"})";
    for (auto [path, id] : {std::pair{"/tok", "tok"}, std::pair{"/tok2", "tok"}, std::pair{"/req", "req"},
                            std::pair{"/req0", "req0"}, std::pair{"/gone", "gone"}}) {
      bj::object& m = mockMethod(doc, path, "GET", echo);
      m["authorizationType"] = "CUSTOM";
      m["authorizerId"] = id;
    }
    bj::object& keyed = mockMethod(doc, "/keyed", "GET", R"({"keyId": "$context.identity.apiKeyId"})");
    keyed["authorizationType"] = "CUSTOM";
    keyed["authorizerId"] = "tok";
    keyed["apiKeyRequired"] = true;
    auto st = gw_.deploy(doc, stageDoc());
    ASSERT_TRUE(st) << st.error().message;
  }
  http::Response token(std::string_view path, std::string_view value) {
    auto req = gw_.request(verb::get, path);
    if (!value.empty()) req.set(beast::http::field::authorization, value);
    return gw_.send(std::move(req));
  }
  http::Response user(std::string_view pathAndQuery, std::string_view who) {
    auto req = gw_.request(verb::get, pathAndQuery);
    if (!who.empty()) req.set("X-User", who);
    return gw_.send(std::move(req));
  }
  std::size_t calls() const { return gw_.functions().calls().size(); }
  LoopbackStage gw_;
};

TEST_F(LambdaAuthorizers, AnAllowingTokenAuthorizerPassesItsPrincipalAndContext) {
  auto res = token("/tok", "Bearer alice");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"principal": "user-alice", "role": "admin", "level": "7", "admin": "true"})");
  ASSERT_EQ(calls(), 1u);
  const auto& call = gw_.functions().calls()[0];
  EXPECT_EQ(call.function, functionArn("auth"));
  EXPECT_EQ(
      bj::parse(call.payload),
      (bj::value{{"type", "TOKEN"}, {"authorizationToken", "Bearer alice"}, {"methodArn", stageArn() + "/GET/tok"}}));
}

TEST_F(LambdaAuthorizers, AResultIsCachedForItsTtlAcrossTheApisMethods) {
  EXPECT_EQ(token("/tok", "Bearer alice").result_int(), 200u);
  auto again = token("/tok2", "Bearer alice");
  EXPECT_EQ(again.result_int(), 200u);
  EXPECT_EQ(again.body(), R"({"principal": "user-alice", "role": "admin", "level": "7", "admin": "true"})");
  EXPECT_EQ(calls(), 1u) << "the cached policy is reused";
  EXPECT_EQ(token("/tok", "Bearer bob").result_int(), 200u);
  EXPECT_EQ(calls(), 2u) << "another token is another identity";
}

TEST_F(LambdaAuthorizers, TokenAuthorizerRefusals) {
  expectGatewayError(token("/tok", ""), 401, kUnauthorized, "UnauthorizedException");
  expectGatewayError(token("/tok", "alice"), 401, kUnauthorized, "UnauthorizedException");  // fails the expression
  EXPECT_EQ(calls(), 0u) << "neither reached the function";
  expectGatewayError(token("/tok", "Bearer unauthorized"), 401, kUnauthorized, "UnauthorizedException");
  expectGatewayError(token("/tok", "Bearer deny"), 403,
                     R"({"Message":"User is not authorized to access this resource with an explicit deny"})",
                     "AccessDeniedException");
  expectGatewayError(token("/tok", "Bearer postonly"), 403,
                     R"({"Message":"User is not authorized to access this resource"})", "AccessDeniedException");
  for (std::string_view broken : {"Bearer broken", "Bearer garbage"}) {
    auto res = token("/tok", broken);
    EXPECT_EQ(res.result_int(), 500u) << broken;
    EXPECT_EQ(res.body(), R"({"message":null})") << broken;
  }
  auto missing = token("/gone", "Bearer alice");
  EXPECT_EQ(missing.result_int(), 500u);
  EXPECT_EQ(missing.body(), R"({"message":null})");
}

TEST_F(LambdaAuthorizers, ARequestAuthorizerSeesTheRequestAndCachesOnEveryIdentitySource) {
  auto res = user("/req?tenant=t1", "dave");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(bj::parse(res.body()).as_object().at("principal").as_string(), "user-dave@t1");
  ASSERT_EQ(calls(), 1u);
  bj::object event = bj::parse(gw_.functions().calls()[0].payload).as_object();
  EXPECT_EQ(event.at("type").as_string(), "REQUEST");
  EXPECT_EQ(event.at("methodArn").as_string(), stageArn() + "/GET/req");
  EXPECT_EQ(event.at("httpMethod").as_string(), "GET");
  EXPECT_EQ(event.at("resource").as_string(), "/req");
  EXPECT_EQ(event.at("queryStringParameters"), (bj::value{{"tenant", "t1"}}));
  EXPECT_EQ(event.at("headers").as_object().at("X-User").as_string(), "dave");
  EXPECT_FALSE(event.contains("body"));

  EXPECT_EQ(user("/req?tenant=t1", "dave").result_int(), 200u);
  EXPECT_EQ(calls(), 1u) << "same identity sources: cached";
  EXPECT_EQ(bj::parse(user("/req?tenant=t2", "dave").body()).as_object().at("principal").as_string(), "user-dave@t2");
  EXPECT_EQ(calls(), 2u);
  // With caching on, every identity source is required, and a missing one never reaches the function.
  expectGatewayError(user("/req", "dave"), 401, kUnauthorized, "UnauthorizedException");
  expectGatewayError(user("/req?tenant=t1", ""), 401, kUnauthorized, "UnauthorizedException");
  EXPECT_EQ(calls(), 2u);
  expectGatewayError(user("/req?tenant=t1", "deny"), 403,
                     R"({"Message":"User is not authorized to access this resource with an explicit deny"})",
                     "AccessDeniedException");
}

TEST_F(LambdaAuthorizers, WithoutCachingEveryRequestRunsTheAuthorizer) {
  EXPECT_EQ(user("/req0", "erin").result_int(), 200u);
  EXPECT_EQ(user("/req0", "erin").result_int(), 200u);
  EXPECT_EQ(calls(), 2u);
  // A missing identity source is the function's to judge when nothing is cached.
  auto anonymous = user("/req0", "");
  EXPECT_EQ(anonymous.result_int(), 200u);
  EXPECT_EQ(bj::parse(anonymous.body()).as_object().at("principal").as_string(), "user-nobody");
  EXPECT_EQ(calls(), 3u);
}

TEST_F(LambdaAuthorizers, ApiKeySourceAuthorizerTakesTheKeyTheAuthorizerNamed) {
  expectGatewayError(token("/keyed", "Bearer carol"), 403, R"({"message":"Forbidden"})", "ForbiddenException");
  gw_.addApiKey("named", "authorizer-named-key-0123456789");
  gw_.addUsagePlan(usagePlan("plan1"), {"named"});
  auto res = token("/keyed", "Bearer carol");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"keyId": "named"})");
  // With apiKeySource AUTHORIZER an x-api-key header is no substitute for the authorizer's answer.
  auto req = gw_.request(verb::get, "/keyed");
  req.set("x-api-key", "authorizer-named-key-0123456789");
  expectGatewayError(gw_.send(std::move(req)), 401, kUnauthorized, "UnauthorizedException");
}

}  // namespace
}  // namespace portico::loopback
