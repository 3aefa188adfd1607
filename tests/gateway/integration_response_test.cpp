// The Integration Response stage through the loopback pipeline: selectionPatterns matched (whole)
// against the backend's status code (HTTP, MOCK) or the function's errorMessage (AWS Lambda), the
// default response, response templates chosen by Accept, $context.responseOverride (set by the
// response template, or by a MOCK's request template), and the gateway's answers when the backend
// fails or times out.
#include <gtest/gtest.h>

#include <charconv>

#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using verb = beast::http::verb;

/// "/status/<code>[/<body>]" → that status, the body {"error": "<body>"} (or "down" for 5xx).
http::Response statusBackend(const http::Request& req) {
  std::string_view target = req.target();
  target.remove_prefix(std::string_view("/status/").size());
  unsigned code = 200;
  std::from_chars(target.data(), target.data() + target.size(), code);
  if (code >= 500) return LoopbackUpstream::reply(code, "down", {{"Content-Type", "text/plain"}});
  if (code >= 400) return LoopbackUpstream::reply(code, R"({"error":"nope"})", {{"Content-Type", "application/json"}});
  return LoopbackUpstream::reply(code, R"({"a":1})", {{"Content-Type", "application/json"}});
}

class IntegrationResponse : public ::testing::Test {
 protected:
  void SetUp() override { upstream_.respond(statusBackend); }
  /// GET /r/{code} → the backend's /status/{code}.
  void statusMethod(std::string_view path = "/r/{code}") {
    bj::object& integration = doc_.integration(path, "GET");
    integration["type"] = "HTTP";
    integration["httpMethod"] = "GET";
    integration["uri"] = upstream_.url("/status/{code}");
    integration["requestParameters"] = bj::object{{"integration.request.path.code", "method.request.path.code"}};
  }
  void deploy() {
    auto st = gw_.deploy(doc_, stageDoc());
    ASSERT_TRUE(st) << st.error().message;
  }
  LoopbackStage gw_;
  LoopbackUpstream& upstream_ = gw_.addUpstream();
  DeploymentDoc doc_;
};

TEST_F(IntegrationResponse, SelectionPatternsMapTheBackendsStatus) {
  statusMethod();
  doc_.integrationResponse("/r/{code}", "GET", "200")["responseTemplates"] =
      bj::object{{"application/json", "ok:$input.body"}};
  // Keys are tried in order, and a pattern must match the whole status: "40" is not "404".
  doc_.integrationResponse("/r/{code}", "GET", "300")["selectionPattern"] = "40";
  bj::object& client = doc_.integrationResponse("/r/{code}", "GET", "400");
  client["selectionPattern"] = "4\\d{2}";
  client["responseTemplates"] = bj::object{{"application/json", "client:$input.path('$.error')"}};
  doc_.integrationResponse("/r/{code}", "GET", "502")["selectionPattern"] = "5\\d{2}";
  deploy();

  auto ok = gw_.get("/r/200");
  EXPECT_EQ(ok.result_int(), 200u);
  EXPECT_EQ(ok.body(), R"(ok:{"a":1})");
  auto missing = gw_.get("/r/404");
  EXPECT_EQ(missing.result_int(), 400u);
  EXPECT_EQ(missing.body(), "client:nope");
  EXPECT_EQ(missing[beast::http::field::content_type], "application/json");
  EXPECT_EQ(missing["x-amzn-ErrorType"], "") << "a mapped status is the method's answer, not a gateway error";
  auto down = gw_.get("/r/503");
  EXPECT_EQ(down.result_int(), 502u);
  EXPECT_EQ(down.body(), "down") << "no template: the body passes through";
  auto other = gw_.get("/r/302");
  EXPECT_EQ(other.result_int(), 200u) << "no pattern matches: the default response";
  EXPECT_EQ(other.body(), R"(ok:{"a":1})");
}

TEST_F(IntegrationResponse, WithoutADefaultAnUnmatchedStatusIsAConfigurationError) {
  statusMethod();
  doc_.integrationResponse("/r/{code}", "GET", "400")["selectionPattern"] = "4\\d{2}";
  deploy();
  EXPECT_EQ(gw_.get("/r/404").result_int(), 400u);
  auto res = gw_.get("/r/200");
  EXPECT_EQ(res.result_int(), 500u);
  EXPECT_EQ(res.body(), R"({"message":"Internal server error"})");
  EXPECT_EQ(res["x-amzn-ErrorType"], "InternalServerErrorException");
}

TEST_F(IntegrationResponse, TheTemplateIsChosenByAccept) {
  mockMethod(doc_, "/t", "GET");
  doc_.integrationResponse("/t", "GET", "200")["responseTemplates"] =
      bj::object{{"application/json", R"({"kind": "json"})"}, {"application/xml", "<kind>xml</kind>"}};
  deploy();
  auto accept = [&](std::string_view value) {
    auto req = gw_.request(verb::get, "/t");
    if (!value.empty()) req.set(beast::http::field::accept, value);
    return gw_.send(std::move(req));
  };
  auto xml = accept("application/xml");
  EXPECT_EQ(xml.body(), "<kind>xml</kind>");
  EXPECT_EQ(xml[beast::http::field::content_type], "application/xml");
  auto first = accept("application/xml, application/json");
  EXPECT_EQ(first.body(), "<kind>xml</kind>") << "the first Accept type";
  for (std::string_view value : {"", "text/html", "application/json"}) {
    auto res = accept(value);
    EXPECT_EQ(res.body(), R"({"kind": "json"})") << value;
    EXPECT_EQ(res[beast::http::field::content_type], "application/json") << value;
  }
}

TEST_F(IntegrationResponse, MockStatusCodesSelectResponsesToo) {
  mockMethod(doc_, "/mock", "GET", R"({"found": true})");
  doc_.integration("/mock", "GET")["requestTemplates"] =
      bj::object{{"application/json", R"({"statusCode": $input.params('code')})"}};
  bj::object& notFound = doc_.integrationResponse("/mock", "GET", "404");
  notFound["selectionPattern"] = "404";
  notFound["responseTemplates"] = bj::object{{"application/json", R"({"found": false})"}};
  deploy();
  auto found = gw_.get("/mock?code=200");
  EXPECT_EQ(found.result_int(), 200u);
  EXPECT_EQ(found.body(), R"({"found": true})");
  auto gone = gw_.get("/mock?code=404");
  EXPECT_EQ(gone.result_int(), 404u);
  EXPECT_EQ(gone.body(), R"({"found": false})");
}

TEST_F(IntegrationResponse, ATemplatesResponseOverrideSetsStatusAndHeaders) {
  mockMethod(doc_, "/teapot", "GET",
             R"(#set($context.responseOverride.status = 418))"
             R"(#set($context.responseOverride.header.X-Teapot = "short")teapot)");
  deploy();
  auto res = gw_.get("/teapot");
  EXPECT_EQ(res.result_int(), 418u);
  EXPECT_EQ(res["X-Teapot"], "short");
  EXPECT_EQ(res.body(), "teapot");
}

// A MOCK's request template may set $context.responseOverride: the client gets that status and those
// headers, and a response template sees what it set. (Recorded on AWS: localstack
// tests/aws/services/apigateway/test_apigateway_integrations.py,
// test_integration_mock_with_response_override_in_request_template, with and without a response
// template: status 444, header foo: bar.)
TEST_F(IntegrationResponse, AMockRequestTemplatesResponseOverrideReachesTheClient) {
  const std::string requestTemplate =
      "#set($context.responseOverride.status = 444)\n"
      "#set($context.responseOverride.header.foo = \"bar\")\n"
      "#set($context.responseOverride.custom = \"is also passed around\")\n"
      "{\"statusCode\": 200}";
  for (const char* path : {"/bare", "/templated"}) {
    doc_.integration(path, "GET")["requestTemplates"] = bj::object{{"application/json", requestTemplate}};
    doc_.integrationResponse(path, "GET", "200")["selectionPattern"] = "2\\d{2}";
    doc_.methodResponse(path, "GET", "200");
  }
  doc_.integrationResponse("/templated", "GET", "200")["responseTemplates"] =
      bj::object{{"application/json",
                  "#set($statusOverride = $context.responseOverride.status)\n"
                  "#set($fooHeader = $context.responseOverride.header.foo)\n"
                  "#set($custom = $context.responseOverride.custom)\n"
                  R"({"statusOverride": "$statusOverride", "fooHeader": "$fooHeader", "custom": "$custom"})"}};
  deploy();

  auto bare = gw_.get("/bare");
  EXPECT_EQ(bare.result_int(), 444u) << bare.body();
  EXPECT_EQ(bare["foo"], "bar");
  EXPECT_EQ(bare.body(), "") << "no response template: the MOCK's empty body";

  auto templated = gw_.get("/templated");
  EXPECT_EQ(templated.result_int(), 444u) << templated.body();
  EXPECT_EQ(templated["foo"], "bar");
  EXPECT_EQ(templated.body(), R"({"statusOverride": "444", "fooHeader": "bar", "custom": "is also passed around"})");
}

TEST_F(IntegrationResponse, LambdaErrorsSelectByTheirErrorMessage) {
  gw_.functions().define("calc", [](const functions::InvokeRequest& request) -> Result<functions::InvokeResult> {
    bj::object in = bj::parse(request.payload).as_object();
    if (!in.contains("b")) return ScriptedInvoker::throws("BadInput: oops", "ValueError");
    return ScriptedInvoker::returns(
        bj::serialize(bj::object{{"total", in.at("a").as_int64() + in.at("b").as_int64()}, {"version", "1"}}));
  });
  doc_.method("/calc", "POST");
  bj::object& integration = doc_.integration("/calc", "POST");
  integration["type"] = "AWS";
  integration["httpMethod"] = "POST";
  integration["uri"] = lambdaUri("calc");
  doc_.integrationResponse("/calc", "POST", "200")["responseTemplates"] =
      bj::object{{"application/json", R"({"total": $input.path('$.total')})"}};
  bj::object& bad = doc_.integrationResponse("/calc", "POST", "400");
  bad["selectionPattern"] = "BadInput.*";
  bad["responseTemplates"] = bj::object{{"application/json", R"vtl({"error": "$input.path('$.errorMessage')"})vtl"}};
  bad["responseParameters"] = bj::object{{"method.response.header.X-Error", "'bad'"}};
  deploy();

  auto sum = gw_.send(gw_.request(verb::post, "/calc", R"({"a": 2, "b": 3})"));
  EXPECT_EQ(sum.result_int(), 200u) << sum.body();
  EXPECT_EQ(sum.body(), R"({"total": 5})");
  EXPECT_EQ(sum["X-Error"], "");
  ASSERT_EQ(gw_.functions().callsOf("calc"), 1u);
  EXPECT_EQ(gw_.functions().calls()[0].payload, R"({"a": 2, "b": 3})") << "the passthrough body is the event";

  auto error = gw_.send(gw_.request(verb::post, "/calc", R"({"a": 2})"));
  EXPECT_EQ(error.result_int(), 400u);
  EXPECT_EQ(error.body(), R"({"error": "BadInput: oops"})");
  EXPECT_EQ(error["X-Error"], "bad");
}

TEST_F(IntegrationResponse, AnUnreachableBackendIsAnIntegrationFailure) {
  unsigned short closedPort = 0;
  {
    asio::ip::tcp::acceptor probe(gw_.ioContext(), {asio::ip::address_v4::loopback(), 0});
    closedPort = probe.local_endpoint().port();
  }  // closed: nothing listens there now
  bj::object& integration = doc_.integration("/gone", "GET");
  integration["type"] = "HTTP";
  integration["httpMethod"] = "GET";
  integration["uri"] = "http://127.0.0.1:" + std::to_string(closedPort) + "/x";
  doc_.integrationResponse("/gone", "GET", "200");
  deploy();
  auto res = gw_.get("/gone");
  EXPECT_EQ(res.result_int(), 504u);
  EXPECT_EQ(res.body(), R"({"message":"Internal server error"})");
  EXPECT_EQ(res["x-amzn-ErrorType"], "InternalServerErrorException");
}

TEST_F(IntegrationResponse, ABackendPastTheTimeoutIsAnIntegrationTimeout) {
  statusMethod();
  doc_.integration("/r/{code}", "GET")["timeoutInMillis"] = 100;
  doc_.integrationResponse("/r/{code}", "GET", "200");
  deploy();
  upstream_.hold();
  auto started = std::chrono::steady_clock::now();
  auto res = gw_.get("/r/200");
  EXPECT_EQ(res.result_int(), 504u);
  EXPECT_EQ(res.body(), R"({"message":"Endpoint request timed out"})");
  EXPECT_EQ(res["x-amzn-ErrorType"], "InternalServerErrorException");
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
  EXPECT_EQ(upstream_.requests().size(), 1u) << "the request reached the backend";
}

}  // namespace
}  // namespace portico::loopback
