// compileStage: a stored deployment and a stage compiled into the snapshot the data plane serves.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/snapshot_compiler.h"

namespace portico::gateway {
namespace {
namespace bj = boost::json;

constexpr std::string_view kDeployment = R"({
  "api": {"id": "api1", "name": "pets", "binaryMediaTypes": ["image/png", 7], "apiKeySource": "AUTHORIZER"},
  "resources": [
    {"id": "root", "path": "/", "resourceMethods": {}},
    {"id": "pets", "parentId": "root", "path": "/pets", "pathPart": "pets", "resourceMethods": {
      "GET": {"httpMethod": "GET", "authorizationType": "CUSTOM", "authorizerId": "au1",
              "authorizationScopes": ["read", 1], "apiKeyRequired": true,
              "requestParameters": {"method.request.querystring.q": true},
              "requestValidatorId": "v1", "requestModels": {"application/json": "Pet"},
              "methodResponses": {"200": {"responseParameters": {"method.response.header.X": false}}},
              "methodIntegration": {"type": "HTTP", "httpMethod": "POST", "uri": "http://up/pets",
                                    "timeoutInMillis": 1500, "integrationResponses": {
                                      "200": {"statusCode": "200"},
                                      "400": {"statusCode": "400", "selectionPattern": "4\\d\\d"}}}},
      "POST": {"httpMethod": "POST"}}},
    {"id": "pet", "parentId": "pets", "path": "/pets/{id}", "pathPart": "{id}", "resourceMethods": {}}
  ],
  "gatewayResponses": [
    {"responseType": "MISSING_AUTHENTICATION_TOKEN", "statusCode": "404",
     "responseParameters": {"gatewayresponse.header.X-Why": "'no route'", "other": "x"},
     "responseTemplates": {"application/json": "{\"m\": \"$context.error.message\"}"}},
    {"responseType": "DEFAULT_4XX"}
  ],
  "models": [{"name": "Pet", "schema": "{\"type\": \"object\", \"required\": [\"name\"]}"}],
  "requestValidators": [{"id": "v1", "validateRequestBody": true, "validateRequestParameters": false}],
  "authorizers": [{"id": "au1", "name": "tok", "type": "TOKEN", "authorizerUri": "arn:fn",
                   "identitySource": "method.request.header.Authorization, stageVariables.x",
                   "identityValidationExpression": "^Bearer .+$", "authorizerResultTtlInSeconds": 60}]
})";

constexpr std::string_view kStage = R"({"stageName": "dev", "deploymentId": "d1", "variables": {"v": "1"},
  "methodSettings": {"~1pets/GET": {"throttlingRateLimit": 5, "throttlingBurstLimit": "7"},
                     "*/*": {"throttlingRateLimit": -1, "throttlingBurstLimit": 2}}})";

class SnapshotCompilerTest : public ::testing::Test {
 protected:
  Result<std::shared_ptr<const StageSnapshot>> compile(const bj::object& deployment) {
    return compileStage(deployment, bj::parse(kStage).as_object(), *engine_);
  }
  static bj::object deployment() { return bj::parse(kDeployment).as_object(); }

  std::unique_ptr<vtl::TemplateEngine> engine_ = vtl::makeVelocityTemplateEngine();
};

TEST_F(SnapshotCompilerTest, StageApiAndGatewayResponses) {
  auto snap = compile(deployment());
  ASSERT_TRUE(snap) << snap.error().message;
  const StageSnapshot& s = **snap;
  EXPECT_EQ(s.apiId, "api1");
  EXPECT_EQ(s.apiName, "pets");
  EXPECT_EQ(s.stageName, "dev");
  EXPECT_EQ(s.deploymentId, "d1");
  EXPECT_EQ(s.stageVariables.at("v"), "1");
  EXPECT_EQ(s.binaryMediaTypes, std::vector<std::string>{"image/png"});
  EXPECT_EQ(s.apiKeySource, "AUTHORIZER");
  const auto& missing = s.gatewayResponses.at("MISSING_AUTHENTICATION_TOKEN");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers, (std::map<std::string, std::string>{{"X-Why", "'no route'"}}));
  EXPECT_TRUE(missing.templates.contains("application/json"));
  EXPECT_EQ(s.gatewayResponses.at("DEFAULT_4XX").status, 0);
}

TEST_F(SnapshotCompilerTest, Authorizers) {
  auto snap = compile(deployment());
  ASSERT_TRUE(snap);
  const CompiledAuthorizer& a = (*snap)->authorizers.at("au1");
  EXPECT_EQ(a.name, "tok");
  EXPECT_EQ(a.type, "TOKEN");
  EXPECT_EQ(a.functionUri, "arn:fn");
  EXPECT_EQ(a.identitySource, (std::vector<std::string>{"method.request.header.Authorization", "stageVariables.x"}));
  ASSERT_TRUE(a.validation);
  EXPECT_EQ(a.validation->pattern(), "^Bearer .+$");
  EXPECT_EQ(a.ttlSeconds, 60);
  EXPECT_EQ(compileAuthorizer(bj::object{{"id", "x"}}).ttlSeconds, 300);
}

TEST_F(SnapshotCompilerTest, MethodsWithEverythingTheyUse) {
  auto snap = compile(deployment());
  ASSERT_TRUE(snap);
  const RouteNode& pets = *(*snap)->root.literals.at("pets");
  EXPECT_TRUE(pets.variable);
  const CompiledMethod& get = *pets.methods.at("GET");
  EXPECT_EQ(get.resourceId, "pets");
  EXPECT_EQ(get.resourcePath, "/pets");
  EXPECT_EQ(get.authorizer, &(*snap)->authorizers.at("au1"));
  EXPECT_EQ(get.authorizationScopes, std::vector<std::string>{"read"});
  EXPECT_TRUE(get.apiKeyRequired);
  EXPECT_TRUE(get.requestParameters.at("method.request.querystring.q"));
  EXPECT_TRUE(get.validateBody);
  EXPECT_FALSE(get.validateParameters);
  ASSERT_TRUE(get.bodyModels.contains("application/json"));
  EXPECT_FALSE(get.bodyModels.at("application/json")->validate(bj::object(), nullptr));
  EXPECT_FALSE(get.methodResponses.at("200").responseParameters.at("method.response.header.X"));
  ASSERT_TRUE(get.throttle);
  EXPECT_EQ(get.throttle->rate(), 5);
  EXPECT_EQ(get.throttle->burst(), 7);  // a limit stored as text is read whole
  ASSERT_TRUE(get.integration);
  EXPECT_EQ(get.integration->type, IntegrationType::kHttp);
  EXPECT_EQ(get.integration->timeoutMs, 1500);
  ASSERT_EQ(get.integration->responses.size(), 2u);
  ASSERT_NE(get.integration->defaultResponse, nullptr);
  EXPECT_EQ(get.integration->defaultResponse->statusCode, "200");
  const CompiledMethod& post = *pets.methods.at("POST");
  EXPECT_EQ(post.authorizationType, "NONE");
  ASSERT_TRUE(post.throttle);  // "*/*": the rate -1 is "not set"
  EXPECT_EQ(post.throttle->rate(), 10000);
  EXPECT_EQ(post.throttle->burst(), 2);
  EXPECT_FALSE(post.integration);
}

TEST_F(SnapshotCompilerTest, ErrorsNameWhatIsWrong) {
  auto noAuthorizer = deployment();
  noAuthorizer["authorizers"] = bj::array();
  EXPECT_EQ(compile(noAuthorizer).error().message, "Invalid authorizer ID specified for a method");
  auto noModel = deployment();
  noModel["models"] = bj::array();
  EXPECT_EQ(compile(noModel).error().message, "Invalid model identifier specified: Pet");
  auto badPattern = deployment();
  badPattern["resources"]
      .as_array()[1]
      .as_object()["resourceMethods"]
      .as_object()["GET"]
      .as_object()["methodIntegration"]
      .as_object()["integrationResponses"]
      .as_object()["400"]
      .as_object()["selectionPattern"] = "(";
  EXPECT_EQ(compile(badPattern).error().message, "Invalid selection pattern specified: (");
  auto noRoot = deployment();
  noRoot["resources"].as_array().erase(noRoot["resources"].as_array().begin());
  EXPECT_EQ(compile(noRoot).error().message, "deployment has no root resource");
  EXPECT_EQ(compile(bj::object()).error().message, "deployment has no root resource");
}

}  // namespace
}  // namespace portico::gateway
