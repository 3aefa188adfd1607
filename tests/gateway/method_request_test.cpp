// The Method Request stage through the loopback pipeline: API keys (403 Forbidden unless an enabled
// key in a usage plan for the stage), throttles (the stage's method settings, the key's plan and its
// per-method throttle, the account), quotas (429 Limit Exceeded), and request validators (400 with
// AWS's messages), each asserted on the exact status, body and x-amzn-ErrorType.
//
// Throttle rates here are 0.001 requests/s: a spent bucket gets its next token 1000 s later, so the
// outcome cannot depend on how fast the machine runs the requests. Refill over time is tested with
// injected time points in token_bucket_test.cpp.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using verb = beast::http::verb;

constexpr std::string_view kKeyValue = "loopback-key-value-0123456789";
constexpr std::string_view kOtherValue = "loopback-other-value-0123456789";

void expectGatewayError(const http::Response& res, unsigned status, std::string_view body, std::string_view errorType) {
  EXPECT_EQ(res.result_int(), status) << res.body();
  EXPECT_EQ(res.body(), body);
  EXPECT_EQ(res["x-amzn-ErrorType"], errorType);
  EXPECT_EQ(res[beast::http::field::content_type], "application/json");
}

void expectForbidden(const http::Response& res) {
  expectGatewayError(res, 403, R"({"message":"Forbidden"})", "ForbiddenException");
}

void expectThrottled(const http::Response& res) {
  expectGatewayError(res, 429, R"({"message":"Too Many Requests"})", "TooManyRequestsException");
}

http::Response withKey(LoopbackStage& gw, std::string_view path, std::string_view key) {
  auto req = gw.request(verb::get, path);
  req.set("x-api-key", key);
  return gw.send(std::move(req));
}

/// GET /keyed (API key required) answering the key's id, GET /open (no key); deployed.
void deployKeyed(LoopbackStage& gw, bj::object methodSettings = {}) {
  DeploymentDoc doc;
  mockMethod(doc, "/keyed", "GET", R"({"keyId": "$context.identity.apiKeyId"})")["apiKeyRequired"] = true;
  mockMethod(doc, "/open", "GET");
  auto st = gw.deploy(doc, stageDoc({}, std::move(methodSettings)));
  ASSERT_TRUE(st) << st.error().message;
}

TEST(MethodRequestApiKeys, ForbiddenWithoutAnEnabledKeyInAPlanForTheStage) {
  LoopbackStage gw;
  deployKeyed(gw);
  gw.addApiKey("k1", kKeyValue);
  gw.addApiKey("k2", "loopback-disabled-value-0123456789", false);
  gw.addApiKey("k3", kOtherValue);  // enabled, but its plan is for another stage
  gw.addUsagePlan(usagePlan("plan1"), {"k1", "k2"});
  bj::object elsewhere = usagePlan("plan2");
  elsewhere["apiStages"] = bj::array{bj::object{{"apiId", kApiId}, {"stage", "prod"}}};
  gw.addUsagePlan(elsewhere, {"k3"});

  expectForbidden(gw.get("/keyed"));
  expectForbidden(withKey(gw, "/keyed", "no-such-key-0123456789012"));
  expectForbidden(withKey(gw, "/keyed", "loopback-disabled-value-0123456789"));
  expectForbidden(withKey(gw, "/keyed", kOtherValue));
  expectForbidden(withKey(gw, "/keyed", ""));

  auto ok = withKey(gw, "/keyed", kKeyValue);
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_EQ(ok.body(), R"({"keyId": "k1"})");
  // A method that does not require a key ignores the header and its absence.
  EXPECT_EQ(gw.get("/open").result_int(), 200u);
  EXPECT_EQ(withKey(gw, "/open", "no-such-key-0123456789012").result_int(), 200u);
}

TEST(MethodRequestApiKeys, KeyChangesApplyWithoutARedeploy) {
  LoopbackStage gw;
  deployKeyed(gw);
  expectForbidden(withKey(gw, "/keyed", kKeyValue));
  gw.addApiKey("k1", kKeyValue);
  expectForbidden(withKey(gw, "/keyed", kKeyValue));  // not in a plan yet
  gw.addUsagePlan(usagePlan("plan1"), {"k1"});
  EXPECT_EQ(withKey(gw, "/keyed", kKeyValue).result_int(), 200u);
  gw.addApiKey("k1", kKeyValue, false);  // disabled
  expectForbidden(withKey(gw, "/keyed", kKeyValue));
}

TEST(MethodRequestThrottling, StageMethodSettingsThrottleEachMethod) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/pets", "GET");
  mockMethod(doc, "/pets", "POST");
  mockMethod(doc, "/free", "GET");
  bj::object settings{
      {"~1pets/GET", bj::object{{"throttlingRateLimit", 0.001}, {"throttlingBurstLimit", 1}}},
      {"*/*", bj::object{{"throttlingRateLimit", 0.001}, {"throttlingBurstLimit", 2}}},
  };
  auto st = gw.deploy(doc, stageDoc({}, settings));
  ASSERT_TRUE(st) << st.error().message;

  // GET /pets has its own setting (burst 1)...
  EXPECT_EQ(gw.get("/pets").result_int(), 200u);
  expectThrottled(gw.get("/pets"));
  // ...the others the */* one (burst 2), each method its own bucket.
  EXPECT_EQ(gw.send(gw.request(verb::post, "/pets")).result_int(), 200u);
  EXPECT_EQ(gw.send(gw.request(verb::post, "/pets")).result_int(), 200u);
  expectThrottled(gw.send(gw.request(verb::post, "/pets")));
  EXPECT_EQ(gw.get("/free").result_int(), 200u);
  EXPECT_EQ(gw.get("/free").result_int(), 200u);
  expectThrottled(gw.get("/free"));
  expectThrottled(gw.get("/pets"));
}

TEST(MethodRequestThrottling, NegativeLimitsAreNotSet) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/open", "GET");
  bj::object settings{{"*/*", bj::object{{"throttlingRateLimit", -1}, {"throttlingBurstLimit", -1}}}};
  auto st = gw.deploy(doc, stageDoc({}, settings));
  ASSERT_TRUE(st) << st.error().message;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(gw.get("/open").result_int(), 200u) << "request " << i;
}

TEST(MethodRequestThrottling, RedeployingTheStageReplacesItsBuckets) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/open", "GET");
  bj::object settings{{"*/*", bj::object{{"throttlingRateLimit", 0.001}, {"throttlingBurstLimit", 1}}}};
  ASSERT_TRUE(gw.deploy(doc, stageDoc({}, settings)));
  EXPECT_EQ(gw.get("/open").result_int(), 200u);
  expectThrottled(gw.get("/open"));
  ASSERT_TRUE(gw.deploy(doc, stageDoc()));  // the setting removed
  EXPECT_EQ(gw.get("/open").result_int(), 200u);
  EXPECT_EQ(gw.get("/open").result_int(), 200u);
}

TEST(MethodRequestThrottling, TheKeysPlanThrottlesItAndAPerMethodThrottleReplacesThePlans) {
  LoopbackStage gw;
  DeploymentDoc doc;
  mockMethod(doc, "/keyed", "GET", R"({"keyId": "$context.identity.apiKeyId"})")["apiKeyRequired"] = true;
  mockMethod(doc, "/other", "GET")["apiKeyRequired"] = true;
  ASSERT_TRUE(gw.deploy(doc, stageDoc()));
  gw.addApiKey("k1", kKeyValue);
  gw.addApiKey("k2", kOtherValue);
  bj::object plan = usagePlan("plan1");
  plan["throttle"] = bj::object{{"rateLimit", 0.001}, {"burstLimit", 3}};
  plan["apiStages"].as_array()[0].as_object()["throttle"] =
      bj::object{{"/keyed/GET", bj::object{{"rateLimit", 0.001}, {"burstLimit", 1}}}};
  gw.addUsagePlan(plan, {"k1", "k2"});

  // GET /keyed: the per-method throttle (burst 1), per key.
  EXPECT_EQ(withKey(gw, "/keyed", kKeyValue).result_int(), 200u);
  expectThrottled(withKey(gw, "/keyed", kKeyValue));
  EXPECT_EQ(withKey(gw, "/keyed", kOtherValue).result_int(), 200u);
  expectThrottled(withKey(gw, "/keyed", kOtherValue));
  // GET /other: the plan's (burst 3), its own bucket.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(withKey(gw, "/other", kKeyValue).result_int(), 200u) << "request " << i;
  expectThrottled(withKey(gw, "/other", kKeyValue));
}

TEST(MethodRequestThrottling, AKeyIsCheckedBeforeTheStageThrottleTakesAToken) {
  LoopbackStage gw;
  deployKeyed(gw, bj::object{{"*/*", bj::object{{"throttlingRateLimit", 0.001}, {"throttlingBurstLimit", 1}}}});
  gw.addApiKey("k1", kKeyValue);
  gw.addUsagePlan(usagePlan("plan1"), {"k1"});
  expectForbidden(gw.get("/keyed"));
  expectForbidden(withKey(gw, "/keyed", kOtherValue));
  EXPECT_EQ(withKey(gw, "/keyed", kKeyValue).result_int(), 200u) << "refused requests took no token";
  expectThrottled(withKey(gw, "/keyed", kKeyValue));
}

TEST(MethodRequestThrottling, TheAccountThrottleCoversEveryMethod) {
  LoopbackOptions options;
  options.accountRateLimit = 0.001;
  options.accountBurstLimit = 3;
  LoopbackStage gw(options);
  DeploymentDoc doc;
  mockMethod(doc, "/a", "GET");
  mockMethod(doc, "/b", "GET");
  ASSERT_TRUE(gw.deploy(doc, stageDoc()));
  EXPECT_EQ(gw.get("/a").result_int(), 200u);
  EXPECT_EQ(gw.get("/b").result_int(), 200u);
  EXPECT_EQ(gw.get("/a").result_int(), 200u);
  expectThrottled(gw.get("/b"));
  expectThrottled(gw.get("/a"));
}

TEST(MethodRequestQuota, ThePlansQuotaAdmitsExactlyItsLimit) {
  LoopbackStage gw;
  deployKeyed(gw);
  gw.addApiKey("k1", kKeyValue);
  gw.addApiKey("k2", kOtherValue);
  bj::object plan = usagePlan("plan1");
  plan["quota"] = bj::object{{"limit", 2}, {"period", "DAY"}, {"offset", 0}};
  gw.addUsagePlan(plan, {"k1", "k2"});
  EXPECT_EQ(withKey(gw, "/keyed", kKeyValue).result_int(), 200u);
  EXPECT_EQ(withKey(gw, "/keyed", kKeyValue).result_int(), 200u);
  expectGatewayError(withKey(gw, "/keyed", kKeyValue), 429, R"({"message":"Limit Exceeded"})",
                     "LimitExceededException");
  expectGatewayError(withKey(gw, "/keyed", kKeyValue), 429, R"({"message":"Limit Exceeded"})",
                     "LimitExceededException");
  // Each key has its own count.
  EXPECT_EQ(withKey(gw, "/keyed", kOtherValue).result_int(), 200u);
}

/// POST /pets with the "both" validator, the Pet model and required parameters; GET /search with
/// the parameters-only validator; POST /loose with a validator that no longer exists.
DeploymentDoc validatedApi() {
  DeploymentDoc doc;
  doc.add("models",
          bj::object{{"id", "m0"},
                     {"name", "Empty"},
                     {"contentType", "application/json"},
                     {"schema", R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"})"}});
  doc.add("models", bj::object{{"id", "m1"},
                               {"name", "Pet"},
                               {"contentType", "application/json"},
                               {"schema", R"({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
                                 "required": ["name"], "additionalProperties": false,
                                 "properties": {"name": {"type": "string", "pattern": "^[A-Z][a-z]+$"},
                                                "age": {"type": "integer", "minimum": 0}}})"}});
  doc.add(
      "requestValidators",
      bj::object{{"id", "both"}, {"name", "both"}, {"validateRequestBody", true}, {"validateRequestParameters", true}});
  doc.add(
      "requestValidators",
      bj::object{
          {"id", "params"}, {"name", "params"}, {"validateRequestBody", false}, {"validateRequestParameters", true}});
  bj::object& pets = mockMethod(doc, "/pets", "POST");
  pets["requestValidatorId"] = "both";
  pets["requestModels"] = bj::object{{"application/json", "Pet"}};
  pets["requestParameters"] = bj::object{{"method.request.querystring.owner", true},
                                         {"method.request.header.X-Token", true},
                                         {"method.request.querystring.optional", false}};
  bj::object& search = mockMethod(doc, "/search", "GET");
  search["requestValidatorId"] = "params";
  search["requestParameters"] = bj::object{{"method.request.querystring.q", true}};
  bj::object& loose = mockMethod(doc, "/loose", "POST");
  loose["requestValidatorId"] = "deleted";
  loose["requestParameters"] = bj::object{{"method.request.querystring.q", true}};
  return doc;
}

http::Response postPet(LoopbackStage& gw, std::string_view target, std::string body, bool token = true,
                       std::string_view contentType = "application/json") {
  auto req = gw.request(verb::post, target, std::move(body));
  req.set(beast::http::field::content_type, contentType);
  if (token) req.set("x-token", "t");  // any case: header names are case-insensitive
  return gw.send(std::move(req));
}

TEST(MethodRequestValidation, MissingRequiredParametersAreNamedSorted) {
  LoopbackStage gw;
  ASSERT_TRUE(gw.deploy(validatedApi(), stageDoc()));
  expectGatewayError(postPet(gw, "/pets", R"({"name": "Rex"})", false), 400,
                     R"({"message":"Missing required request parameters: [X-Token, owner]"})", "BadRequestException");
  expectGatewayError(postPet(gw, "/pets?owner=ann", R"({"name": "Rex"})", false), 400,
                     R"({"message":"Missing required request parameters: [X-Token]"})", "BadRequestException");
  expectGatewayError(gw.get("/search"), 400, R"({"message":"Missing required request parameters: [q]"})",
                     "BadRequestException");
  auto ok = gw.get("/search?q=cats");
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_EQ(ok.body(), R"({"ok": true})");
}

TEST(MethodRequestValidation, BodiesAreValidatedAgainstTheContentTypesModel) {
  LoopbackStage gw;
  ASSERT_TRUE(gw.deploy(validatedApi(), stageDoc()));
  auto ok = postPet(gw, "/pets?owner=ann", R"({"name": "Rex", "age": 3})");
  EXPECT_EQ(ok.result_int(), 200u) << ok.body();
  EXPECT_EQ(ok.body(), R"({"ok": true})");
  for (std::string bad : {R"({"name": "rex"})", R"({"age": 3})", R"({"name": "Rex", "age": -1})",
                          R"({"name": "Rex", "extra": 1})", R"([1, 2])", R"({"name": )", "not json"}) {
    expectGatewayError(postPet(gw, "/pets?owner=ann", bad), 400, R"({"message":"Invalid request body"})",
                       "BadRequestException");
  }
  // Parameters are checked before the body.
  expectGatewayError(postPet(gw, "/pets", "not json"), 400,
                     R"({"message":"Missing required request parameters: [owner]"})", "BadRequestException");
  // No model for this content type (and no $default): the body is not validated.
  EXPECT_EQ(postPet(gw, "/pets?owner=ann", "free text", true, "text/plain").result_int(), 200u);
}

TEST(MethodRequestValidation, AValidatorDeletedSinceValidatesNothing) {
  LoopbackStage gw;
  ASSERT_TRUE(gw.deploy(validatedApi(), stageDoc()));
  EXPECT_EQ(gw.send(gw.request(verb::post, "/loose", "not json")).result_int(), 200u);
}

TEST(MethodRequestValidation, ACustomisedBadRequestBodySeesTheValidationError) {
  LoopbackStage gw;
  DeploymentDoc doc = validatedApi();
  doc.add("gatewayResponses",
          bj::object{{"responseType", "BAD_REQUEST_BODY"},
                     {"statusCode", "422"},
                     {"responseParameters", bj::object{{"gatewayresponse.header.X-Reason", "'validation'"}}},
                     {"responseTemplates", bj::object{{"application/json", "$context.error.validationErrorString"}}}});
  ASSERT_TRUE(gw.deploy(doc, stageDoc()));
  auto res = postPet(gw, "/pets?owner=ann", R"({"name": "rex"})");
  EXPECT_EQ(res.result_int(), 422u);
  EXPECT_EQ(res["x-amzn-ErrorType"], "BadRequestException");
  EXPECT_EQ(res["X-Reason"], "validation");
  EXPECT_NE(res.body().find("String does not match pattern ^[A-Z][a-z]+$"), std::string::npos) << res.body();
  // Other 400s keep their defaults.
  expectGatewayError(postPet(gw, "/pets", "{}"), 400, R"({"message":"Missing required request parameters: [owner]"})",
                     "BadRequestException");
}

}  // namespace
}  // namespace portico::loopback

namespace portico::loopback {
namespace {

TEST(MethodRequestQuota, AStoreThatFailsOnACacheMissIsApiGatewaysOwn500) {
  LoopbackStage gw;
  deployKeyed(gw);
  gw.addApiKey("k1", kKeyValue);
  bj::object plan = usagePlan("plan1");
  plan["quota"] = bj::object{{"limit", 5}, {"period", "DAY"}, {"offset", 0}};
  gw.addUsagePlan(plan, {"k1"});
  // The key's count is not loaded yet: the first request reads it from the store, which now fails
  // (its table gone behind Portico's back).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((gw.jwksDir().parent_path() / "portico.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE documents", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  expectGatewayError(withKey(gw, "/keyed", kKeyValue), 500, R"({"message":"Internal server error"})",
                     "InternalServerErrorException");
}

}  // namespace
}  // namespace portico::loopback
