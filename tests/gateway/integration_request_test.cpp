// The Integration Request stage through the loopback pipeline, seen from the backend: an HTTP
// integration sends to a LoopbackUpstream on 127.0.0.1, which records exactly what arrived
// (method, target, headers, body). Parameter mapping (path, query string, headers, static values,
// stage and context variables), mapping templates chosen by Content-Type, passthrough behaviours
// (WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER → 415) and HTTP_PROXY forwarding.
#include <gtest/gtest.h>

#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using verb = beast::http::verb;

/// The value of header `name` in what the backend received ("" when absent), and how many lines.
std::string header(const http::Request& req, std::string_view name) {
  return std::string(req[name]);
}
std::size_t headerLines(const http::Request& req, std::string_view name) {
  std::size_t n = 0;
  for (const auto& field : req) n += beast::iequals(field.name_string(), name) ? 1 : 0;
  return n;
}

class IntegrationRequest : public ::testing::Test {
 protected:
  /// An HTTP integration on verb/path to the upstream (uri: its path), with a default 200 response.
  bj::object& httpIntegration(std::string_view path, std::string_view verbName, std::string_view uriPath,
                              std::string_view integrationMethod = "POST") {
    bj::object& integration = doc_.integration(path, verbName);
    integration["type"] = "HTTP";
    integration["httpMethod"] = integrationMethod;
    integration["uri"] = upstream_.url(uriPath);
    doc_.integrationResponse(path, verbName, "200");
    return integration;
  }
  void deploy(bj::object variables = {}) {
    auto st = gw_.deploy(doc_, stageDoc(std::move(variables)));
    ASSERT_TRUE(st) << st.error().message;
  }
  http::Response post(std::string_view target, std::string body, std::string_view contentType) {
    auto req = gw_.request(verb::post, target, std::move(body));
    if (!contentType.empty()) req.set(beast::http::field::content_type, contentType);
    return gw_.send(std::move(req));
  }
  /// The one request the backend received since the last call.
  const http::Request& received() {
    EXPECT_EQ(upstream_.requests().size(), seen_ + 1) << "the backend should have received one request";
    seen_ = upstream_.requests().size();
    static const http::Request kNone;
    return upstream_.requests().empty() ? kNone : upstream_.requests().back();
  }

  LoopbackStage gw_;
  LoopbackUpstream& upstream_ = gw_.addUpstream();
  DeploymentDoc doc_;
  std::size_t seen_ = 0;
};

TEST_F(IntegrationRequest, MappedParametersBuildTheEndpointRequest) {
  upstream_.respond([](const http::Request&) { return LoopbackUpstream::reply(200, R"({"ok":true})"); });
  bj::object& method = doc_.method("/pets/{petId}", "GET");
  method["requestParameters"] = bj::object{{"method.request.path.petId", true},
                                           {"method.request.querystring.q", false},
                                           {"method.request.header.X-In", false}};
  bj::object& integration = httpIntegration("/pets/{petId}", "GET", "/${stageVariables.prefix}/items/{id}");
  integration["requestParameters"] = bj::object{
      {"integration.request.path.id", "method.request.path.petId"},
      {"integration.request.querystring.search", "method.request.querystring.q"},
      {"integration.request.querystring.stage", "context.stage"},
      {"integration.request.header.X-Out", "method.request.header.X-In"},
      {"integration.request.header.X-Static", "'fixed value'"},
      {"integration.request.header.X-Color", "stageVariables.color"},
      {"integration.request.header.X-Missing", "method.request.header.X-Absent"},
  };
  deploy(bj::object{{"prefix", "v2"}, {"color", "blue"}});

  auto req = gw_.request(verb::get, "/pets/a%20b?q=two%20words&extra=1");
  req.set("X-In", "hello");
  req.set("X-Unmapped", "nope");
  auto res = gw_.send(std::move(req));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"ok":true})");

  const http::Request& got = received();
  EXPECT_EQ(got.method(), verb::post) << "the integration's httpMethod, not the client's";
  EXPECT_EQ(got.target(), "/v2/items/a%20b?search=two%20words&stage=dev");
  EXPECT_EQ(header(got, "X-Out"), "hello");
  EXPECT_EQ(header(got, "X-Static"), "fixed value");
  EXPECT_EQ(header(got, "X-Color"), "blue");
  EXPECT_EQ(headerLines(got, "X-Missing"), 0u) << "a source without a value maps nothing";
  EXPECT_EQ(headerLines(got, "X-In"), 0u) << "only mapped headers reach a non-proxy backend";
  EXPECT_EQ(headerLines(got, "X-Unmapped"), 0u);
  EXPECT_EQ(header(got, "Host"), "127.0.0.1:" + std::to_string(upstream_.port()));
  EXPECT_EQ(got.body(), "");
}

TEST_F(IntegrationRequest, AnyTakesTheClientsMethod) {
  httpIntegration("/any", "ANY", "/sink", "ANY");
  deploy();
  EXPECT_EQ(gw_.send(gw_.request(verb::delete_, "/any")).result_int(), 200u);
  EXPECT_EQ(received().method(), verb::delete_);
  EXPECT_EQ(gw_.send(gw_.request(verb::put, "/any", "{}")).result_int(), 200u);
  EXPECT_EQ(received().method(), verb::put);
}

TEST_F(IntegrationRequest, AMappingTemplateRendersTheBody) {
  bj::object& integration = httpIntegration("/render", "POST", "/sink");
  integration["requestTemplates"] =
      bj::object{{"application/json",
                  R"vtl({"name": "$input.path('$.name')", "stage": "$context.stage", "q": "$input.params('q')", )vtl"
                  R"vtl("agent": "$input.params('X-Agent')", "path": "$context.resourcePath"})vtl"}};
  deploy();
  auto req = gw_.request(verb::post, "/render?q=1", R"({"name": "rex", "extra": true})");
  req.set(beast::http::field::content_type, "application/json");
  req.set("X-Agent", "a1");
  EXPECT_EQ(gw_.send(std::move(req)).result_int(), 200u);
  const http::Request& got = received();
  EXPECT_EQ(got.body(), R"({"name": "rex", "stage": "dev", "q": "1", "agent": "a1", "path": "/render"})");
  EXPECT_EQ(header(got, "Content-Type"), "application/json");
  EXPECT_EQ(got.target(), "/sink") << "unmapped query parameters are not sent";
}

TEST_F(IntegrationRequest, TheTemplateIsChosenByTheRequestsMediaType) {
  bj::object& integration = httpIntegration("/typed", "POST", "/sink");
  integration["requestTemplates"] = bj::object{{"application/json", "json:$input.json('$.n')"},
                                               {"application/x-www-form-urlencoded", "form:$input.body"}};
  deploy();
  EXPECT_EQ(post("/typed", "a=1&b=2", "application/x-www-form-urlencoded; charset=UTF-8").result_int(), 200u);
  EXPECT_EQ(received().body(), "form:a=1&b=2");
  EXPECT_EQ(post("/typed", R"({"n": [1, 2]})", "Application/JSON").result_int(), 200u);
  EXPECT_EQ(received().body(), "json:[1,2]");
  // No Content-Type: the application/json template.
  EXPECT_EQ(post("/typed", R"({"n": 3})", "").result_int(), 200u);
  EXPECT_EQ(received().body(), "json:3");
}

TEST_F(IntegrationRequest, WhenNoMatchPassesAnUnmatchedBodyThrough) {
  bj::object& integration = httpIntegration("/pass", "POST", "/sink");
  integration["passthroughBehavior"] = "WHEN_NO_MATCH";
  integration["requestTemplates"] = bj::object{{"application/json", R"({"wrapped": $input.json('$')})"}};
  deploy();
  EXPECT_EQ(post("/pass", "plain words", "text/plain").result_int(), 200u);
  EXPECT_EQ(received().body(), "plain words");
  EXPECT_EQ(post("/pass", R"({"a": 1})", "application/json").result_int(), 200u);
  EXPECT_EQ(received().body(), R"({"wrapped": {"a":1}})");
}

TEST_F(IntegrationRequest, NeverRefusesAnUnmatchedMediaTypeWith415) {
  bj::object& integration = httpIntegration("/never", "POST", "/sink");
  integration["passthroughBehavior"] = "NEVER";
  integration["requestTemplates"] = bj::object{{"application/json", "rendered"}};
  deploy();
  auto res = post("/never", "plain words", "text/plain");
  EXPECT_EQ(res.result_int(), 415u);
  EXPECT_EQ(res.body(), R"({"message":"Unsupported Media Type"})");
  EXPECT_EQ(res["x-amzn-ErrorType"], "UnsupportedMediaTypeException");
  EXPECT_TRUE(upstream_.requests().empty()) << "nothing reaches the backend";
  EXPECT_EQ(post("/never", "{}", "application/json").result_int(), 200u);
  EXPECT_EQ(received().body(), "rendered");
}

TEST_F(IntegrationRequest, WhenNoTemplatesPassesThroughOnlyWithoutTemplates) {
  bj::object& templated = httpIntegration("/templated", "POST", "/sink");
  templated["passthroughBehavior"] = "WHEN_NO_TEMPLATES";
  templated["requestTemplates"] = bj::object{{"application/json", "rendered"}};
  bj::object& bare = httpIntegration("/bare", "POST", "/sink");
  bare["passthroughBehavior"] = "WHEN_NO_TEMPLATES";
  deploy();
  auto refused = post("/templated", "plain words", "text/plain");
  EXPECT_EQ(refused.result_int(), 415u);
  EXPECT_EQ(refused.body(), R"({"message":"Unsupported Media Type"})");
  EXPECT_TRUE(upstream_.requests().empty());
  EXPECT_EQ(post("/templated", "{}", "application/json").result_int(), 200u);
  EXPECT_EQ(received().body(), "rendered");
  EXPECT_EQ(post("/bare", "plain words", "text/plain").result_int(), 200u);
  EXPECT_EQ(received().body(), "plain words");
}

TEST_F(IntegrationRequest, AFailingTemplateIsAnInternalServerError) {
  bj::object& integration = httpIntegration("/broken", "POST", "/sink");
  integration["requestTemplates"] = bj::object{{"application/json", R"(#set($s = "abc")$s.substring(5))"}};
  deploy();
  auto res = post("/broken", "{}", "application/json");
  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_EQ(res.body(), R"({"message":"Internal server error"})");
  EXPECT_EQ(res["x-amzn-ErrorType"], "InternalServerErrorException");
  EXPECT_TRUE(upstream_.requests().empty());
}

TEST_F(IntegrationRequest, TemplateOverridesWinOverMappedValues) {
  bj::object& integration = httpIntegration("/over/{id}", "POST", "/items/{id}");
  integration["requestParameters"] = bj::object{{"integration.request.path.id", "method.request.path.id"},
                                                {"integration.request.header.X-Mode", "'mapped'"}};
  integration["requestTemplates"] =
      bj::object{{"application/json", R"(#set($context.requestOverride.header.X-Mode = "override"))"
                                      R"(#set($context.requestOverride.path.id = "99"))"
                                      R"(#set($context.requestOverride.querystring.page = "2")body)"}};
  deploy();
  EXPECT_EQ(post("/over/7", "{}", "application/json").result_int(), 200u);
  const http::Request& got = received();
  EXPECT_EQ(got.target(), "/items/99?page=2");
  EXPECT_EQ(header(got, "X-Mode"), "override");
  EXPECT_EQ(headerLines(got, "X-Mode"), 1u);
  EXPECT_EQ(got.body(), "body");
}

// What API Gateway itself sends a non-proxy HTTP backend, whatever the client sent. (Recorded on
// AWS: localstack tests/aws/services/apigateway/test_apigateway_http.snapshot.json,
// test_http_integration_with_lambda[HTTP]: the client's Accept: application/xml and User-Agent:
// test/integration do not reach the backend.)
TEST_F(IntegrationRequest, ANonProxyBackendGetsApiGatewaysOwnHeaders) {
  httpIntegration("/plain", "POST", "/sink");
  deploy();
  auto req = gw_.request(verb::post, "/plain", R"({"message": "hello world"})");
  req.set(beast::http::field::content_type, "application/json");
  req.set(beast::http::field::accept, "application/xml");
  req.set(beast::http::field::user_agent, "test/integration");
  EXPECT_EQ(gw_.send(std::move(req)).result_int(), 200u);
  const http::Request& got = received();
  EXPECT_EQ(header(got, "User-Agent"), "AmazonAPIGateway_" + std::string(kApiId));
  EXPECT_EQ(header(got, "x-amzn-apigateway-api-id"), kApiId);
  EXPECT_EQ(header(got, "Accept"), "application/json");
  for (const char* name : {"User-Agent", "x-amzn-apigateway-api-id", "Accept"}) EXPECT_EQ(headerLines(got, name), 1u);
  EXPECT_EQ(got.body(), R"({"message": "hello world"})");
}

TEST_F(IntegrationRequest, AMappedAcceptReplacesTheDefault) {
  bj::object& integration = httpIntegration("/xml", "GET", "/sink");
  integration["requestParameters"] = bj::object{{"integration.request.header.Accept", "'application/xml'"}};
  deploy();
  EXPECT_EQ(gw_.get("/xml").result_int(), 200u);
  const http::Request& got = received();
  EXPECT_EQ(header(got, "Accept"), "application/xml");
  EXPECT_EQ(headerLines(got, "Accept"), 1u);
  EXPECT_EQ(header(got, "User-Agent"), "AmazonAPIGateway_" + std::string(kApiId));
}

TEST_F(IntegrationRequest, HttpProxySendsTheRequestAsItCame) {
  bj::object& integration = doc_.integration("/proxy/{proxy+}", "ANY");
  integration["type"] = "HTTP_PROXY";
  integration["httpMethod"] = "ANY";
  integration["uri"] = upstream_.url("/base/{proxy}");
  integration["requestParameters"] = bj::object{{"integration.request.path.proxy", "method.request.path.proxy"}};
  deploy();
  auto req = gw_.request(verb::patch, "/proxy/a/b%20c?x=1&x=2&y=two%20words", "payload");
  req.set(beast::http::field::content_type, "text/plain");
  req.insert("X-Multi", "one");
  req.insert("X-Multi", "two");
  req.set(beast::http::field::user_agent, "test/integration");
  req.set("x-amzn-apigateway-api-id", "forged");
  auto res = gw_.send(std::move(req));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  const http::Request& got = received();
  EXPECT_EQ(got.method(), verb::patch);
  EXPECT_EQ(got.target(), "/base/a/b%20c?x=1&x=2&y=two%20words");
  EXPECT_EQ(got.body(), "payload");
  EXPECT_EQ(header(got, "Content-Type"), "text/plain");
  EXPECT_EQ(headerLines(got, "X-Multi"), 2u);
  EXPECT_EQ(header(got, "Host"), "127.0.0.1:" + std::to_string(upstream_.port())) << "the backend's host, not ours";
  EXPECT_EQ(header(got, "User-Agent"), "test/integration") << "the client's own, unlike a non-proxy backend";
  EXPECT_EQ(header(got, "x-amzn-apigateway-api-id"), kApiId) << "API Gateway's, never the client's";
  EXPECT_EQ(headerLines(got, "x-amzn-apigateway-api-id"), 1u);
}

// AWS's "Method Request passthrough" template (what the console generates: every parameter, stage
// variable and context value into the body) and the developer guide's parameter-mapping example,
// rendered over one request as API Gateway renders them: Velocity 1.7's whitespace (indented
// directive lines keep their indentation), the params in the order path, querystring, header,
// header names as the client spelt them, $util.escapeJavaScript's `\/` and `\"`, unset context
// values as "". The expected texts are what Apache Velocity 1.7, with API Gateway's "" for a
// reference without a value, renders for these templates over the same values.
// (tests/e2e/integration_fixtures/passthrough.vtl runs the same template end to end.)
constexpr std::string_view kPassthroughTemplate =
    R"vtl(##  The "Method Request passthrough" mapping template that the API Gateway console offers:
##  every parameter (path, querystring, header), the stage variables and the context go into the payload.
#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "account-id" : "$context.identity.accountId",
    "api-id" : "$context.apiId",
    "api-key" : "$context.identity.apiKey",
    "authorizer-principal-id" : "$context.authorizer.principalId",
    "caller" : "$context.identity.caller",
    "cognito-authentication-provider" : "$context.identity.cognitoAuthenticationProvider",
    "cognito-authentication-type" : "$context.identity.cognitoAuthenticationType",
    "cognito-identity-id" : "$context.identity.cognitoIdentityId",
    "cognito-identity-pool-id" : "$context.identity.cognitoIdentityPoolId",
    "http-method" : "$context.httpMethod",
    "stage" : "$context.stage",
    "source-ip" : "$context.identity.sourceIp",
    "user" : "$context.identity.user",
    "user-agent" : "$context.identity.userAgent",
    "user-arn" : "$context.identity.userArn",
    "request-id" : "$context.requestId",
    "resource-id" : "$context.resourceId",
    "resource-path" : "$context.resourcePath"
    }
}
)vtl";

constexpr std::string_view kPassthroughRendered = R"vtl({
"body-json" : {},
"params" : {
"path" : {
        "id" : "abc"
            }
    ,"querystring" : {
        "color" : "blue"
        ,        "name" : "Ann"
            }
    ,"header" : {
        "Host" : "loopapi.execute-api.localhost"
        ,        "User-Agent" : "curl\/8.1"
        ,        "x-my-Header" : "say \"hi\""
            }
    },
"stage-variables" : {
"env" : "prod"
    ,"tier" : "gold"
    },
"context" : {
    "account-id" : "",
    "api-id" : "loopapi",
    "api-key" : "",
    "authorizer-principal-id" : "",
    "caller" : "",
    "cognito-authentication-provider" : "",
    "cognito-authentication-type" : "",
    "cognito-identity-id" : "",
    "cognito-identity-pool-id" : "",
    "http-method" : "GET",
    "stage" : "dev",
    "source-ip" : "127.0.0.1",
    "user" : "",
    "user-agent" : "curl/8.1",
    "user-arn" : "",
    "request-id" : "REQUEST-ID",
    "resource-id" : "RESOURCE-ID",
    "resource-path" : "/things/{id}"
    }
}
)vtl";

constexpr std::string_view kGuideParamsTemplate = R"vtl(#set($allParams = $input.params())
{
  "params" : {
    #foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
    "$type" : {
      #foreach($paramName in $params.keySet())
      "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
      #if($foreach.hasNext),#end
      #end
    }
    #if($foreach.hasNext),#end
    #end
  }
}
)vtl";

constexpr std::string_view kGuideParamsRendered = R"vtl({
  "params" : {
        "path" : {
            "id" : "abc"
                }
    ,        "querystring" : {
            "color" : "blue"
      ,            "name" : "Ann"
                }
    ,        "header" : {
            "Host" : "loopapi.execute-api.localhost"
      ,            "User-Agent" : "curl\/8.1"
      ,            "x-my-Header" : "say \"hi\""
                }
          }
}
)vtl";

/// text with each `from` replaced by `to`.
std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
    out.replace(at, from.size(), to);
  }
  return out;
}

TEST_F(IntegrationRequest, AwsPassthroughTemplatesRenderAsOnAws) {
  httpIntegration("/things/{id}", "GET", "/sink")["requestTemplates"] =
      bj::object{{"application/json", kPassthroughTemplate}};
  httpIntegration("/guide/{id}", "GET", "/sink")["requestTemplates"] =
      bj::object{{"application/json", kGuideParamsTemplate}};
  deploy(bj::object{{"tier", "gold"}, {"env", "prod"}});
  auto request = [&](std::string_view target) {
    auto req = gw_.request(verb::get, target);
    req.set(beast::http::field::user_agent, "curl/8.1");
    req.insert("x-my-Header", "say \"hi\"");
    return req;
  };

  auto res = gw_.send(request("/things/abc?name=Ann&color=blue"));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  std::string expected = replaced(kPassthroughRendered, "REQUEST-ID", res["x-amzn-RequestId"]);
  expected = replaced(expected, "RESOURCE-ID", doc_.resourceId("/things/{id}"));
  EXPECT_EQ(received().body(), expected);

  res = gw_.send(request("/guide/abc?name=Ann&color=blue"));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(received().body(), kGuideParamsRendered);
}

TEST_F(IntegrationRequest, HeaderNamesKeepTheClientsSpellingAndMatchInAnyCase) {
  doc_.method("/case", "GET")["requestParameters"] = bj::object{{"method.request.header.X-MY-HEADER", false}};
  bj::object& integration = httpIntegration("/case", "GET", "/sink");
  integration["requestParameters"] =
      bj::object{{"integration.request.header.X-Out", "method.request.header.X-MY-HEADER"}};
  integration["requestTemplates"] = bj::object{{"application/json",
                                                "$input.params().header.keySet() $input.params('x-my-header') "
                                                "$input.params().header.get('x-my-Header')"}};
  deploy();
  auto req = gw_.request(verb::get, "/case");
  req.insert("x-my-Header", "v1");
  EXPECT_EQ(gw_.send(std::move(req)).result_int(), 200u);
  const http::Request& got = received();
  EXPECT_EQ(got.body(), "[Host, x-my-Header] v1 v1");
  EXPECT_EQ(header(got, "X-Out"), "v1");
}

}  // namespace
}  // namespace portico::loopback
