// The snapshot compiler: what compileStage makes of a stored deployment and a stage (the routing
// tree, methods, integrations and their responses, throttles from methodSettings, validators and
// models, authorizers, gateway responses, stage variables) and what it refuses, with the error AWS
// gives. The input is built with the loopback DeploymentDoc, the JSON the control plane stores.
#include "gateway/snapshot_compiler.h"

#include <gtest/gtest.h>

#include "gateway/router.h"
#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using gateway::CompiledIntegration;
using gateway::CompiledMethod;
using gateway::IntegrationType;
using gateway::StageSnapshot;

class SnapshotCompiler : public ::testing::Test {
 protected:
  Result<std::shared_ptr<const StageSnapshot>> compile(const bj::object& stage = stageDoc()) {
    return gateway::compileStage(doc_.build(), stage, *engine_);
  }
  std::shared_ptr<const StageSnapshot> compiled(const bj::object& stage = stageDoc()) {
    auto snap = compile(stage);
    EXPECT_TRUE(snap) << snap.error().message;
    return snap ? *snap : nullptr;
  }
  /// The compiled method for verb at path (a literal path: "/pets/{petId}" is looked up by routing
  /// "/pets/x"), or null.
  static const CompiledMethod* method(const StageSnapshot& snap, std::string_view path, std::string_view verb) {
    auto match = gateway::route(snap.root, path, verb);
    return match ? match->method : nullptr;
  }
  void expectRefused(std::string_view type, std::string_view message, const bj::object& stage = stageDoc()) {
    auto snap = compile(stage);
    ASSERT_FALSE(snap) << "compiled, but should have been refused with: " << message;
    EXPECT_EQ(snap.error().type, type);
    EXPECT_EQ(snap.error().message, message);
  }

  std::unique_ptr<vtl::TemplateEngine> engine_ = vtl::makeVelocityTemplateEngine();
  DeploymentDoc doc_;
};

TEST_F(SnapshotCompiler, BuildsTheRoutingTreeFromTheResources) {
  mockMethod(doc_, "/", "GET");
  mockMethod(doc_, "/pets", "GET");
  mockMethod(doc_, "/pets", "POST");
  mockMethod(doc_, "/pets/{petId}", "GET");
  mockMethod(doc_, "/files/{proxy+}", "ANY");
  doc_.method("/empty/leaf", "GET");  // a resource in between with no methods of its own
  auto snap = compiled(stageDoc(bj::object{{"color", "blue"}}));
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->apiId, "loopapi");
  EXPECT_EQ(snap->apiName, "loopback");
  EXPECT_EQ(snap->stageName, "dev");
  EXPECT_EQ(snap->deploymentId, "dep001");
  EXPECT_EQ(snap->stageVariables, (std::map<std::string, std::string>{{"color", "blue"}}));

  const auto& root = snap->root;
  EXPECT_EQ(root.resourceId, "root");
  EXPECT_EQ(root.resourcePath, "/");
  ASSERT_TRUE(root.methods.contains("GET"));
  EXPECT_EQ(root.methods.size(), 1u);
  ASSERT_TRUE(root.literals.contains("pets"));
  const auto& pets = *root.literals.at("pets");
  EXPECT_EQ(pets.resourcePath, "/pets");
  EXPECT_EQ(pets.resourceId, doc_.resourceId("/pets"));
  EXPECT_EQ(pets.methods.size(), 2u);
  EXPECT_EQ(pets.variableName, "petId");
  ASSERT_TRUE(pets.variable);
  EXPECT_EQ(pets.variable->resourcePath, "/pets/{petId}");
  EXPECT_FALSE(pets.greedy);
  const auto& files = *root.literals.at("files");
  EXPECT_EQ(files.greedyName, "proxy");
  ASSERT_TRUE(files.greedy);
  EXPECT_TRUE(files.greedy->methods.contains("ANY"));
  EXPECT_FALSE(files.variable);
  ASSERT_TRUE(root.literals.contains("empty"));
  EXPECT_TRUE(root.literals.at("empty")->methods.empty());

  const CompiledMethod* pet = method(*snap, "/pets/42", "GET");
  ASSERT_TRUE(pet);
  EXPECT_EQ(pet->httpMethod, "GET");
  EXPECT_EQ(pet->resourcePath, "/pets/{petId}");
  EXPECT_EQ(pet->resourceId, doc_.resourceId("/pets/{petId}"));
  EXPECT_EQ(method(*snap, "/files/a/b", "DELETE"), files.greedy->methods.at("ANY").get());
}

TEST_F(SnapshotCompiler, CompilesAMethodsRequestSide) {
  bj::object& m = mockMethod(doc_, "/m", "POST");
  m["apiKeyRequired"] = true;
  m["requestParameters"] = bj::object{{"method.request.querystring.q", true},
                                      {"method.request.header.H", false},
                                      {"method.request.path.p", "not a bool"}};
  doc_.methodResponse("/m", "POST", "200")["responseParameters"] =
      bj::object{{"method.response.header.X-A", true}, {"method.response.header.X-B", false}};
  doc_.methodResponse("/m", "POST", "404");
  auto snap = compiled();
  ASSERT_TRUE(snap);
  const CompiledMethod* post = method(*snap, "/m", "POST");
  ASSERT_TRUE(post);
  EXPECT_TRUE(post->apiKeyRequired);
  EXPECT_EQ(post->authorizationType, "NONE");
  EXPECT_EQ(post->authorizer, nullptr);
  EXPECT_EQ(post->requestParameters, (std::map<std::string, bool>{{"method.request.header.H", false},
                                                                  {"method.request.path.p", false},
                                                                  {"method.request.querystring.q", true}}));
  ASSERT_EQ(post->methodResponses.size(), 2u);
  EXPECT_EQ(post->methodResponses.at("200").responseParameters,
            (std::map<std::string, bool>{{"method.response.header.X-A", true}, {"method.response.header.X-B", false}}));
  EXPECT_TRUE(post->methodResponses.at("404").responseParameters.empty());
  EXPECT_FALSE(post->validateBody);
  EXPECT_FALSE(post->validateParameters);
  EXPECT_FALSE(post->throttle);
}

TEST_F(SnapshotCompiler, CompilesIntegrationsAndTheirResponses) {
  bj::object& proxy = doc_.integration("/p/{proxy+}", "ANY");
  proxy = bj::object{{"type", "HTTP_PROXY"},
                     {"httpMethod", "ANY"},
                     {"uri", "http://backend.example/{proxy}"},
                     {"timeoutInMillis", 1234},
                     {"responseTransferMode", "STREAM"},
                     {"passthroughBehavior", "NEVER"},
                     {"contentHandling", "CONVERT_TO_TEXT"},
                     {"requestParameters", bj::object{{"integration.request.header.X", "'v'"}, {"ignored", 5}}},
                     {"requestTemplates", bj::object{{"application/json", "$input.body"}}}};
  bj::object& mapped = doc_.integration("/m", "GET");
  mapped = bj::object{{"type", "AWS"}, {"httpMethod", "POST"}, {"uri", lambdaUri("fn")}};
  doc_.integrationResponse("/m", "GET", "200")["responseTemplates"] = bj::object{{"application/json", "ok"}};
  bj::object& client = doc_.integrationResponse("/m", "GET", "400");
  client["selectionPattern"] = "Bad.*";
  client["contentHandling"] = "CONVERT_TO_BINARY";
  client["responseParameters"] = bj::object{{"method.response.header.X-E", "'e'"}};
  doc_.integrationResponse("/m", "GET", "500")["selectionPattern"] = "5\\d{2}";
  for (const char* type : {"MOCK", "HTTP", "AWS_PROXY"})
    doc_.integration("/types/" + std::string(type), "GET")["type"] = type;
  auto snap = compiled();
  ASSERT_TRUE(snap);

  const CompiledIntegration* p = method(*snap, "/p/x/y", "GET")->integration.get();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, IntegrationType::kHttpProxy);
  EXPECT_EQ(p->httpMethod, "ANY");
  EXPECT_EQ(p->uri, "http://backend.example/{proxy}");
  EXPECT_EQ(p->timeoutMs, 1234);
  EXPECT_TRUE(p->streamResponse);
  EXPECT_EQ(p->passthroughBehavior, "NEVER");
  EXPECT_EQ(p->contentHandling, "CONVERT_TO_TEXT");
  EXPECT_EQ(p->requestParameters, (std::map<std::string, std::string>{{"integration.request.header.X", "'v'"}}));
  ASSERT_EQ(p->requestTemplates.size(), 1u);
  EXPECT_TRUE(p->requestTemplates.contains("application/json"));
  EXPECT_TRUE(p->responses.empty());
  EXPECT_EQ(p->defaultResponse, nullptr);

  const CompiledIntegration* m = method(*snap, "/m", "GET")->integration.get();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, IntegrationType::kAws);
  EXPECT_EQ(m->timeoutMs, 29000) << "AWS's default";
  EXPECT_EQ(m->passthroughBehavior, "WHEN_NO_MATCH") << "AWS's default";
  EXPECT_FALSE(m->streamResponse);
  ASSERT_EQ(m->responses.size(), 3u);
  ASSERT_TRUE(m->defaultResponse);
  EXPECT_EQ(m->defaultResponse->statusCode, "200");
  EXPECT_EQ(m->defaultResponse->pattern, nullptr);
  EXPECT_TRUE(m->defaultResponse->responseTemplates.contains("application/json"));
  for (const auto& r : m->responses) {
    if (r.statusCode == "400") {
      ASSERT_TRUE(r.pattern);
      EXPECT_TRUE(RE2::FullMatch("Bad input", *r.pattern));
      EXPECT_FALSE(RE2::FullMatch("Not Bad", *r.pattern));
      EXPECT_EQ(r.contentHandling, "CONVERT_TO_BINARY");
      EXPECT_EQ(r.responseParameters, (std::map<std::string, std::string>{{"method.response.header.X-E", "'e'"}}));
    } else if (r.statusCode == "500") {
      ASSERT_TRUE(r.pattern);
      EXPECT_TRUE(RE2::FullMatch("503", *r.pattern));
      EXPECT_FALSE(RE2::FullMatch("5030", *r.pattern));
    }
  }

  EXPECT_EQ(method(*snap, "/types/MOCK", "GET")->integration->type, IntegrationType::kMock);
  EXPECT_EQ(method(*snap, "/types/HTTP", "GET")->integration->type, IntegrationType::kHttp);
  EXPECT_EQ(method(*snap, "/types/AWS_PROXY", "GET")->integration->type, IntegrationType::kAwsProxy);
}

TEST_F(SnapshotCompiler, MethodSettingsBecomeEachMethodsThrottle) {
  mockMethod(doc_, "/pets", "GET");
  mockMethod(doc_, "/pets", "POST");
  mockMethod(doc_, "/pets/{petId}", "GET");
  bj::object settings{
      {"~1pets/GET", bj::object{{"throttlingRateLimit", 5}, {"throttlingBurstLimit", 7}}},
      {"~1pets~1{petId}/GET", bj::object{{"throttlingRateLimit", "2.5"}}},
      {"*/*", bj::object{{"throttlingRateLimit", 1}, {"throttlingBurstLimit", 2}}},
  };
  auto snap = compiled(stageDoc({}, settings));
  ASSERT_TRUE(snap);
  const auto* get = method(*snap, "/pets", "GET");
  ASSERT_TRUE(get && get->throttle);
  EXPECT_EQ(get->throttle->rate(), 5);
  EXPECT_EQ(get->throttle->burst(), 7);
  const auto* post = method(*snap, "/pets", "POST");
  ASSERT_TRUE(post && post->throttle);
  EXPECT_EQ(post->throttle->rate(), 1);
  EXPECT_EQ(post->throttle->burst(), 2);
  const auto* pet = method(*snap, "/pets/1", "GET");
  ASSERT_TRUE(pet && pet->throttle);
  EXPECT_EQ(pet->throttle->rate(), 2.5);
  EXPECT_EQ(pet->throttle->burst(), 5000) << "an unset burst: the default";
  EXPECT_NE(get->throttle, post->throttle);

  // AWS's -1 is "not set".
  bj::object unset{{"*/*", bj::object{{"throttlingRateLimit", -1}, {"throttlingBurstLimit", -1}}}};
  auto plain = compiled(stageDoc({}, unset));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(method(*plain, "/pets", "GET")->throttle);
  EXPECT_FALSE(method(*compiled(), "/pets", "GET")->throttle);
}

TEST_F(SnapshotCompiler, CompilesValidatorsModelsAndAuthorizers) {
  doc_.add("models", bj::object{{"name", "Empty"}, {"schema", R"({"type": "object"})"}});
  doc_.add("models", bj::object{{"name", "Pet"}, {"schema", R"({"type": "object", "required": ["name"]})"}});
  doc_.add("requestValidators", bj::object{{"id", "body"}, {"validateRequestBody", true}});
  doc_.add("requestValidators",
           bj::object{{"id", "params"}, {"validateRequestBody", false}, {"validateRequestParameters", true}});
  doc_.add("authorizers", bj::object{{"id", "tok"},
                                     {"name", "tok"},
                                     {"type", "TOKEN"},
                                     {"authorizerUri", lambdaUri("auth")},
                                     {"identitySource", "method.request.header.Authorization, stageVariables.x"},
                                     {"identityValidationExpression", "Bearer .+"},
                                     {"authorizerResultTtlInSeconds", 60}});
  doc_.add("authorizers", bj::object{{"id", "pool"},
                                     {"name", "pool"},
                                     {"type", "COGNITO_USER_POOLS"},
                                     {"providerARNs", bj::array{"arn:a", "arn:b"}},
                                     {"identitySource", "method.request.header.Authorization"}});
  bj::object& pets = mockMethod(doc_, "/pets", "POST");
  pets["requestValidatorId"] = "body";
  pets["requestModels"] = bj::object{{"application/json", "Pet"}};
  pets["authorizationType"] = "CUSTOM";
  pets["authorizerId"] = "tok";
  bj::object& any = mockMethod(doc_, "/any", "POST");
  any["requestValidatorId"] = "body";  // no models: Empty for every content type
  any["authorizationType"] = "COGNITO_USER_POOLS";
  any["authorizerId"] = "pool";
  any["authorizationScopes"] = bj::array{"pets/read", "pets/write"};
  mockMethod(doc_, "/params", "POST")["requestValidatorId"] = "params";
  mockMethod(doc_, "/gone", "POST")["requestValidatorId"] = "deleted-since";
  auto snap = compiled();
  ASSERT_TRUE(snap);

  const auto* p = method(*snap, "/pets", "POST");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->validateBody);
  EXPECT_FALSE(p->validateParameters);
  ASSERT_EQ(p->bodyModels.size(), 1u);
  const auto& pet = *p->bodyModels.at("application/json");
  EXPECT_TRUE(pet.validate(bj::parse(R"({"name": "x"})"), nullptr));
  EXPECT_FALSE(pet.validate(bj::parse("{}"), nullptr));
  ASSERT_EQ(p->authorizer, &snap->authorizers.at("tok"));
  const auto& tok = *p->authorizer;
  EXPECT_EQ(tok.type, "TOKEN");
  EXPECT_EQ(tok.name, "tok");
  EXPECT_EQ(tok.functionUri, lambdaUri("auth"));
  EXPECT_EQ(tok.identitySource, (std::vector<std::string>{"method.request.header.Authorization", "stageVariables.x"}));
  ASSERT_TRUE(tok.validation);
  EXPECT_TRUE(RE2::FullMatch("Bearer abc", *tok.validation));
  EXPECT_EQ(tok.ttlSeconds, 60);

  const auto* a = method(*snap, "/any", "POST");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->bodyModels.size(), 1u);
  EXPECT_TRUE(a->bodyModels.contains("$default"));
  ASSERT_EQ(a->authorizer, &snap->authorizers.at("pool"));
  EXPECT_EQ(a->authorizer->providerArns, (std::vector<std::string>{"arn:a", "arn:b"}));
  EXPECT_EQ(a->authorizer->ttlSeconds, 300) << "AWS's default TTL";
  EXPECT_EQ(a->authorizer->validation, nullptr);
  EXPECT_EQ(a->authorizationScopes, (std::vector<std::string>{"pets/read", "pets/write"}));

  const auto* params = method(*snap, "/params", "POST");
  EXPECT_TRUE(params->validateParameters);
  EXPECT_FALSE(params->validateBody);
  EXPECT_TRUE(params->bodyModels.empty());
  const auto* gone = method(*snap, "/gone", "POST");
  EXPECT_FALSE(gone->validateParameters);
  EXPECT_FALSE(gone->validateBody);
}

TEST_F(SnapshotCompiler, CompilesTheApisGatewayResponsesAndSettings) {
  doc_.api()["binaryMediaTypes"] = bj::array{"image/png", "application/octet-stream"};
  doc_.api()["apiKeySource"] = "AUTHORIZER";
  doc_.add("gatewayResponses",
           bj::object{
               {"responseType", "MISSING_AUTHENTICATION_TOKEN"},
               {"statusCode", "404"},
               {"responseParameters", bj::object{{"gatewayresponse.header.X-Asked", "method.request.header.X-Ask"},
                                                 {"method.response.header.Not-A-Gateway-Header", "'x'"}}},
               {"responseTemplates", bj::object{{"application/json", R"({"error": $context.error.messageString})"}}}});
  doc_.add("gatewayResponses", bj::object{{"responseType", "DEFAULT_4XX"}});
  mockMethod(doc_, "/", "GET");
  auto snap = compiled();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->binaryMediaTypes, (std::vector<std::string>{"image/png", "application/octet-stream"}));
  EXPECT_EQ(snap->apiKeySource, "AUTHORIZER");
  ASSERT_EQ(snap->gatewayResponses.size(), 2u);
  const auto& missing = snap->gatewayResponses.at("MISSING_AUTHENTICATION_TOKEN");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers, (std::map<std::string, std::string>{{"X-Asked", "method.request.header.X-Ask"}}));
  EXPECT_TRUE(missing.templates.contains("application/json"));
  const auto& default4xx = snap->gatewayResponses.at("DEFAULT_4XX");
  EXPECT_EQ(default4xx.status, 0) << "no status of its own";
  EXPECT_TRUE(default4xx.headers.empty());

  DeploymentDoc plain;
  mockMethod(plain, "/", "GET");
  auto defaults = gateway::compileStage(plain.build(), stageDoc(), *engine_);
  ASSERT_TRUE(defaults);
  EXPECT_EQ((*defaults)->apiKeySource, "HEADER");
  EXPECT_TRUE((*defaults)->binaryMediaTypes.empty());
  EXPECT_TRUE((*defaults)->gatewayResponses.empty());
}

TEST_F(SnapshotCompiler, RefusesADeploymentWithoutARootResource) {
  bj::object deployment = doc_.build();
  bj::array orphans{bj::object{{"id", "a"}, {"parentId", "missing"}, {"pathPart", "x"}, {"path", "/x"}}};
  deployment["resources"] = orphans;
  auto snap = gateway::compileStage(deployment, stageDoc(), *engine_);
  ASSERT_FALSE(snap);
  EXPECT_EQ(snap.error().message, "deployment has no root resource");
  EXPECT_EQ(snap.error().status, 500);
}

TEST_F(SnapshotCompiler, RefusesAnInvalidSelectionPattern) {
  mockMethod(doc_, "/m", "GET");
  doc_.integrationResponse("/m", "GET", "400")["selectionPattern"] = "(unclosed";
  expectRefused("BadRequestException", "Invalid selection pattern specified: (unclosed");
  auto alone = gateway::compileIntegration(
      bj::object{{"type", "MOCK"},
                 {"integrationResponses", bj::object{{"400", bj::object{{"selectionPattern", "[a-"}}}}}},
      *engine_);
  ASSERT_FALSE(alone);
  EXPECT_EQ(alone.error().message, "Invalid selection pattern specified: [a-");
}

TEST_F(SnapshotCompiler, RefusesTemplatesThatDoNotParse) {
  mockMethod(doc_, "/req", "GET");
  doc_.integration("/req", "GET")["requestTemplates"] = bj::object{{"application/json", "#if(true)never closed"}};
  auto snap = compile();
  ASSERT_FALSE(snap);
  EXPECT_EQ(snap.error().type, "BadRequestException");
  EXPECT_NE(snap.error().message.find("line 1"), std::string::npos) << snap.error().message;

  DeploymentDoc response;
  mockMethod(response, "/res", "GET", "#foreach($x in [1])no end");
  auto bad = gateway::compileStage(response.build(), stageDoc(), *engine_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().type, "BadRequestException");

  DeploymentDoc gatewayResponse;
  mockMethod(gatewayResponse, "/", "GET");
  gatewayResponse.add("gatewayResponses", bj::object{{"responseType", "DEFAULT_4XX"},
                                                     {"responseTemplates", bj::object{{"application/json", "#end"}}}});
  auto refused = gateway::compileStage(gatewayResponse.build(), stageDoc(), *engine_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "BadRequestException");
}

TEST_F(SnapshotCompiler, RefusesAMethodWhoseAuthorizerIsMissing) {
  bj::object& custom = mockMethod(doc_, "/c", "GET");
  custom["authorizationType"] = "CUSTOM";
  custom["authorizerId"] = "nope";
  expectRefused("BadRequestException", "Invalid authorizer ID specified for a method");

  DeploymentDoc cognito;
  mockMethod(cognito, "/c", "GET")["authorizationType"] = "COGNITO_USER_POOLS";  // no authorizerId at all
  auto snap = gateway::compileStage(cognito.build(), stageDoc(), *engine_);
  ASSERT_FALSE(snap);
  EXPECT_EQ(snap.error().message, "Invalid authorizer ID specified for a method");
}

TEST_F(SnapshotCompiler, RefusesABodyValidatorWithAnUnknownOrInvalidModel) {
  doc_.add("requestValidators", bj::object{{"id", "body"}, {"validateRequestBody", true}});
  bj::object& m = mockMethod(doc_, "/m", "POST");
  m["requestValidatorId"] = "body";
  m["requestModels"] = bj::object{{"application/json", "Nope"}};
  expectRefused("BadRequestException", "Invalid model identifier specified: Nope");

  DeploymentDoc invalid;
  invalid.add("requestValidators", bj::object{{"id", "body"}, {"validateRequestBody", true}});
  invalid.add("models", bj::object{{"name", "Bad"}, {"schema", R"({"patternProperties": {"^a": {}}})"}});
  bj::object& n = mockMethod(invalid, "/n", "POST");
  n["requestValidatorId"] = "body";
  n["requestModels"] = bj::object{{"application/json", "Bad"}};
  auto snap = gateway::compileStage(invalid.build(), stageDoc(), *engine_);
  ASSERT_FALSE(snap);
  EXPECT_EQ(snap.error().type, "BadRequestException");
  EXPECT_EQ(snap.error().message.rfind("Invalid model schema specified: ", 0), 0u) << snap.error().message;
}

}  // namespace
}  // namespace portico::loopback
