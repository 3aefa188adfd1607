// The Method Response stage through the loopback pipeline: the client's response is the selected
// status, the mapped headers only (a non-proxy backend's own headers never pass), the body, the
// default Content-Type, and the request-id headers every API Gateway response carries; an
// HTTP_PROXY response passes through with the headers API Gateway answers for itself remapped.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "support/loopback_stage.h"

namespace portico::loopback {
namespace {

using verb = beast::http::verb;

std::size_t headerLines(const http::Response& res, std::string_view name) {
  std::size_t n = 0;
  for (const auto& field : res) n += beast::iequals(field.name_string(), name) ? 1 : 0;
  return n;
}

void expectRequestIds(const http::Response& res) {
  static const RE2 kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  static const RE2 kApigwId("[a-z0-9]{16}");
  EXPECT_TRUE(RE2::FullMatch(std::string(res["x-amzn-RequestId"]), kUuid)) << res["x-amzn-RequestId"];
  EXPECT_TRUE(RE2::FullMatch(std::string(res["x-amz-apigw-id"]), kApigwId)) << res["x-amz-apigw-id"];
}

class MethodResponse : public ::testing::Test {
 protected:
  bj::object& httpIntegration(std::string_view path, std::string_view type = "HTTP") {
    bj::object& integration = doc_.integration(path, "GET");
    integration["type"] = type;
    integration["httpMethod"] = "GET";
    integration["uri"] = upstream_.url("/backend");
    return integration;
  }
  void deploy() {
    auto st = gw_.deploy(doc_, stageDoc(bj::object{{"color", "blue"}}));
    ASSERT_TRUE(st) << st.error().message;
  }
  LoopbackStage gw_;
  LoopbackUpstream& upstream_ = gw_.addUpstream();
  DeploymentDoc doc_;
};

TEST_F(MethodResponse, OnlyMappedHeadersReachTheClient) {
  upstream_.respond([](const http::Request&) {
    return LoopbackUpstream::reply(200, R"({"id": 7, "name": "rex"})",
                                   {{"Content-Type", "text/plain"}, {"X-Upstream", "u1"}, {"X-Other", "o"}});
  });
  httpIntegration("/mapped");
  doc_.integrationResponse("/mapped", "GET", "200")["responseParameters"] = bj::object{
      {"method.response.header.X-Backend", "integration.response.header.X-Upstream"},
      {"method.response.header.X-Static", "'fixed'"},
      {"method.response.header.X-Id", "integration.response.body.id"},
      {"method.response.header.X-Stage", "stageVariables.color"},
      {"method.response.header.X-Missing", "integration.response.header.X-Absent"},
      {"method.response.header.Access-Control-Allow-Origin", "'*'"},
  };
  doc_.methodResponse("/mapped", "GET", "200")["responseParameters"] = bj::object{
      {"method.response.header.X-Backend", false}, {"method.response.header.X-Static", false},
      {"method.response.header.X-Id", false},      {"method.response.header.X-Stage", false},
      {"method.response.header.X-Missing", false}, {"method.response.header.Access-Control-Allow-Origin", false}};
  deploy();

  auto res = gw_.get("/mapped");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"id": 7, "name": "rex"})");
  EXPECT_EQ(res["X-Backend"], "u1");
  EXPECT_EQ(res["X-Static"], "fixed");
  EXPECT_EQ(res["X-Id"], "7");
  EXPECT_EQ(res["X-Stage"], "blue");
  EXPECT_EQ(res["Access-Control-Allow-Origin"], "*");
  EXPECT_EQ(headerLines(res, "X-Missing"), 0u);
  EXPECT_EQ(headerLines(res, "X-Upstream"), 0u) << "a non-proxy backend's headers are not passed on";
  EXPECT_EQ(headerLines(res, "X-Other"), 0u);
  EXPECT_EQ(res[beast::http::field::content_type], "application/json") << "without a template: application/json";
  EXPECT_EQ(res[beast::http::field::content_length], std::to_string(res.body().size()));
  expectRequestIds(res);
}

TEST_F(MethodResponse, AMappedContentTypeWinsOverTheDefault) {
  upstream_.respond([](const http::Request&) { return LoopbackUpstream::reply(200, "a,b\n1,2\n"); });
  httpIntegration("/csv");
  doc_.integrationResponse("/csv", "GET", "200")["responseParameters"] =
      bj::object{{"method.response.header.Content-Type", "'text/csv'"}};
  deploy();
  auto res = gw_.get("/csv");
  EXPECT_EQ(res[beast::http::field::content_type], "text/csv");
  EXPECT_EQ(headerLines(res, "Content-Type"), 1u);
  EXPECT_EQ(res.body(), "a,b\n1,2\n");
}

TEST_F(MethodResponse, TheTemplatesTypeIsTheContentType) {
  mockMethod(doc_, "/page", "GET");
  doc_.integrationResponse("/page", "GET", "200")["responseTemplates"] = bj::object{{"text/html", "<p>hi</p>"}};
  deploy();
  auto res = gw_.get("/page");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "<p>hi</p>");
  EXPECT_EQ(res[beast::http::field::content_type], "text/html");
}

TEST_F(MethodResponse, TheSelectedStatusIsTheClientsStatus) {
  mockMethod(doc_, "/created", "GET", R"({"id": "n1"})", "201");
  doc_.integrationResponse("/created", "GET", "201")["responseParameters"] =
      bj::object{{"method.response.header.Location", "'/items/n1'"}};
  mockMethod(doc_, "/empty", "GET", "a body a 204 cannot carry", "204");
  deploy();
  auto created = gw_.get("/created");
  EXPECT_EQ(created.result_int(), 201u);
  EXPECT_EQ(created.body(), R"({"id": "n1"})");
  EXPECT_EQ(created[beast::http::field::location], "/items/n1");
  auto empty = gw_.get("/empty");
  EXPECT_EQ(empty.result_int(), 204u);
  EXPECT_EQ(empty.body(), "");
  expectRequestIds(empty);
}

TEST_F(MethodResponse, AnHttpProxyResponsePassesThroughWithGatewayHeadersRemapped) {
  upstream_.respond([](const http::Request&) {
    http::Response res = LoopbackUpstream::reply(201, "made",
                                                 {{"Content-Type", "text/plain"},
                                                  {"X-Echo", "e"},
                                                  {"Server", "upstream/1.0"},
                                                  {"WWW-Authenticate", "Basic"},
                                                  {"Set-Cookie", "a=1"},
                                                  {"Set-Cookie", "b=2"}});
    return res;
  });
  httpIntegration("/proxy", "HTTP_PROXY");
  deploy();
  auto res = gw_.get("/proxy");
  EXPECT_EQ(res.result_int(), 201u);
  EXPECT_EQ(res.body(), "made");
  EXPECT_EQ(res[beast::http::field::content_type], "text/plain");
  EXPECT_EQ(res["X-Echo"], "e");
  EXPECT_EQ(headerLines(res, "Set-Cookie"), 2u);
  EXPECT_EQ(headerLines(res, "Server"), 0u);
  EXPECT_EQ(res["X-Amzn-Remapped-Server"], "upstream/1.0");
  EXPECT_EQ(headerLines(res, "WWW-Authenticate"), 0u);
  EXPECT_EQ(res["X-Amzn-Remapped-WWW-Authenticate"], "Basic");
  EXPECT_EQ(res["X-Amzn-Remapped-Content-Length"], "4");
  EXPECT_EQ(res[beast::http::field::content_length], "4");
  expectRequestIds(res);
}

TEST_F(MethodResponse, EveryResponseHasItsOwnRequestId) {
  mockMethod(doc_, "/a", "GET");
  deploy();
  auto first = gw_.get("/a");
  auto second = gw_.get("/a");
  expectRequestIds(first);
  expectRequestIds(second);
  EXPECT_NE(first["x-amzn-RequestId"], second["x-amzn-RequestId"]);
  EXPECT_NE(first["x-amz-apigw-id"], second["x-amz-apigw-id"]);
}

}  // namespace
}  // namespace portico::loopback
