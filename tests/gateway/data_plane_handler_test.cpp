#include "gateway/data_plane_handler.h"

#include <gtest/gtest.h>

#include "support/loopback_stage.h"

namespace portico::gateway {
namespace {

TEST(ParseAddress, HostStyle) {
  auto a = parseAddress("abc123defg.execute-api.localhost:8080", "/dev/pets/1?x=1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->apiId, "abc123defg");
  EXPECT_EQ(a->stage, "dev");
  EXPECT_EQ(a->path, "/pets/1");
  EXPECT_EQ(a->query, "x=1");
}

TEST(ParseAddress, PathStyle) {
  auto a = parseAddress("127.0.0.1:8080", "/restapis/abc/prod/_user_request_/a/b?q");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->apiId, "abc");
  EXPECT_EQ(a->stage, "prod");
  EXPECT_EQ(a->path, "/a/b");
  EXPECT_EQ(a->query, "q");
  auto root = parseAddress("127.0.0.1", "/restapis/abc/prod/_user_request_");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path, "/");
}

TEST(ParseAddress, NeitherForm) {
  EXPECT_FALSE(parseAddress("127.0.0.1:8080", "/dev/pets"));
  EXPECT_FALSE(parseAddress("127.0.0.1", "/restapis/abc/prod/other/x"));
}

}  // namespace
}  // namespace portico::gateway

// ---- DataPlaneHandler::handle, through the loopback stage: addressing, routing, dot segments,
// the console's cookie, and the Missing Authentication Token answers.

namespace portico::loopback {
namespace {

using verb = beast::http::verb;

constexpr std::string_view kMissingToken = R"({"message":"Missing Authentication Token"})";

void expectMissingToken(const http::Response& res) {
  EXPECT_EQ(res.result_int(), 403u) << res.body();
  EXPECT_EQ(res.body(), kMissingToken);
  EXPECT_EQ(res["x-amzn-ErrorType"], "MissingAuthenticationTokenException");
  EXPECT_EQ(res["x-amzn-RequestId"].size(), 36u);
}

http::Response sendTo(LoopbackStage& gw, std::string_view host, std::string_view target) {
  http::Request req{verb::get, target, 11};
  req.set(beast::http::field::host, host);
  return gw.send(std::move(req));
}

class DataPlaneHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mockMethod(doc_, "/pets", "GET",
               R"vtl({"x": "$input.params('x')", "path": "$context.path", "resource": "$context.resourcePath"})vtl");
    mockMethod(doc_, "/cookie", "GET", R"vtl({"cookie": "$input.params('Cookie')"})vtl");
  }
  void deploy() {
    auto st = gw_.deploy(doc_, stageDoc());
    ASSERT_TRUE(st) << st.error().message;
  }
  LoopbackStage gw_;
  DeploymentDoc doc_;
};

TEST_F(DataPlaneHandlerTest, BothAddressingFormsReachTheStage) {
  deploy();
  auto host = sendTo(gw_, apiHost(), "/dev/pets?x=1");
  EXPECT_EQ(host.result_int(), 200u) << host.body();
  EXPECT_EQ(host.body(), R"({"x": "1", "path": "/dev/pets", "resource": "/pets"})");
  auto path = sendTo(gw_, "127.0.0.1:9999", "/restapis/loopapi/dev/_user_request_/pets?x=2");
  EXPECT_EQ(path.result_int(), 200u) << path.body();
  EXPECT_EQ(path.body(), R"({"x": "2", "path": "/dev/pets", "resource": "/pets"})");
  EXPECT_EQ(sendTo(gw_, apiHost(), "/dev/pets/").result_int(), 200u) << "a trailing slash is ignored";
}

TEST_F(DataPlaneHandlerTest, AnUnknownApiStageOrPathIsMissingItsToken) {
  deploy();
  expectMissingToken(sendTo(gw_, apiHost("nosuchapi"), "/dev/pets"));
  expectMissingToken(sendTo(gw_, apiHost(), "/prod/pets"));
  expectMissingToken(sendTo(gw_, "127.0.0.1:9999", "/dev/pets"));  // neither addressing form
  expectMissingToken(sendTo(gw_, "127.0.0.1:9999", "/restapis/loopapi/prod/_user_request_/pets"));
  expectMissingToken(sendTo(gw_, apiHost(), "/dev/nothing"));
  expectMissingToken(sendTo(gw_, apiHost(), "/dev/pets/1"));
  expectMissingToken(gw_.send(gw_.request(verb::post, "/pets")));  // the resource has no POST
}

TEST_F(DataPlaneHandlerTest, TheApisMissingTokenCustomisationAppliesToItsUnroutedRequests) {
  doc_.add("gatewayResponses",
           bj::object{
               {"responseType", "MISSING_AUTHENTICATION_TOKEN"},
               {"statusCode", "404"},
               {"responseParameters", bj::object{{"gatewayresponse.header.X-Asked", "method.request.header.X-Ask"}}},
               {"responseTemplates", bj::object{{"application/json", R"({"error": $context.error.messageString})"}}}});
  deploy();
  auto req = gw_.request(verb::get, "/nothing");
  req.set("X-Ask", "hello");
  auto res = gw_.send(std::move(req));
  EXPECT_EQ(res.result_int(), 404u);
  EXPECT_EQ(res.body(), R"({"error": "Missing Authentication Token"})");
  EXPECT_EQ(res["X-Asked"], "hello");
  EXPECT_EQ(res["x-amzn-ErrorType"], "MissingAuthenticationTokenException");
  // A request no stage answers gets the defaults: no API's customisation applies.
  expectMissingToken(sendTo(gw_, apiHost("nosuchapi"), "/dev/nothing"));
}

TEST_F(DataPlaneHandlerTest, DotSegmentsAreResolvedBeforeRouting) {
  auto& upstream = gw_.addUpstream();
  bj::object& files = doc_.integration("/files/{proxy+}", "GET");
  files["type"] = "HTTP_PROXY";
  files["httpMethod"] = "GET";
  files["uri"] = upstream.url("/static/{proxy}");
  deploy();
  auto res = sendTo(gw_, apiHost(), "/dev/nothing/../pets?x=3");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), R"({"x": "3", "path": "/dev/pets", "resource": "/pets"})");
  EXPECT_EQ(sendTo(gw_, apiHost(), "/dev/files/a/%2e%2E/b").result_int(), 200u);
  ASSERT_EQ(upstream.requests().size(), 1u);
  EXPECT_EQ(upstream.requests()[0].target(), "/static/b") << "the backend never sees a dot segment";
  // Climbing above the stage's root, however spelt, routes nowhere.
  expectMissingToken(sendTo(gw_, apiHost(), "/dev/../pets"));
  expectMissingToken(sendTo(gw_, apiHost(), "/dev/files/%2e%2e/%2e%2e/etc/passwd"));
  EXPECT_EQ(upstream.requests().size(), 1u);
}

TEST_F(DataPlaneHandlerTest, TheConsolesCookieNeverReachesTheApi) {
  deploy();
  auto cookie = [&](std::string_view value) {
    auto req = gw_.request(verb::get, "/cookie");
    req.set(beast::http::field::cookie, value);
    return gw_.send(std::move(req)).body();
  };
  EXPECT_EQ(cookie("a=1; portico_console=secret; b=2"), R"({"cookie": "a=1; b=2"})");
  EXPECT_EQ(cookie("portico_console=secret"), R"({"cookie": ""})");
  EXPECT_EQ(cookie("a=1;b=2"), R"({"cookie": "a=1;b=2"})") << "other cookies are left as sent";
}

// Whichever Cookie line carries the console's cookie loses it, and the lines left keep the header
// name as the client spelt it (API Gateway shows request headers so).
TEST_F(DataPlaneHandlerTest, DroppingTheConsolesCookieKeepsTheClientsHeaders) {
  mockMethod(doc_, "/names", "GET", R"vtl($input.params().header.keySet() $input.params('cookie'))vtl");
  deploy();
  auto req = gw_.request(verb::get, "/names");
  req.insert("cookie", "a=1; portico_console=secret");
  req.insert("x-my-Header", "v");
  auto res = gw_.send(std::move(req));
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), "[Host, cookie, x-my-Header] a=1");

  auto twoLines = gw_.request(verb::get, "/cookie");
  twoLines.insert("Cookie", "a=1");
  twoLines.insert("Cookie", "portico_console=secret; b=2");
  EXPECT_EQ(gw_.send(std::move(twoLines)).body(), R"({"cookie": "b=2"})")
      << "the last line, without the console's cookie";
}

TEST_F(DataPlaneHandlerTest, TheRegistryDecidesWhatIsServed) {
  deploy();
  EXPECT_EQ(gw_.get("/pets").result_int(), 200u);
  // A redeploy replaces the stage's snapshot.
  DeploymentDoc next;
  mockMethod(next, "/pets", "GET", R"({"version": 2})");
  ASSERT_TRUE(gw_.deploy(next, stageDoc()));
  EXPECT_EQ(gw_.get("/pets").body(), R"({"version": 2})");
  gw_.registry().remove(kApiId, kStageName);
  expectMissingToken(gw_.get("/pets"));
}

TEST(DataPlaneHandlerSnapshot, AHandBuiltSnapshotIsServed) {
  LoopbackStage gw;
  auto snap = std::make_shared<gateway::StageSnapshot>();
  snap->apiId = "handmade";
  snap->stageName = "v1";
  snap->stageVariables["who"] = "world";
  auto method = std::make_unique<gateway::CompiledMethod>();
  method->httpMethod = "GET";
  method->resourceId = "hi1";
  method->resourcePath = "/hi";
  method->integration = std::make_unique<gateway::CompiledIntegration>();
  gateway::CompiledIntegration& integration = *method->integration;
  integration.type = gateway::IntegrationType::kMock;
  integration.requestTemplates["application/json"] = *gw.templates().compile(R"({"statusCode": 200})");
  gateway::CompiledIntegrationResponse ok;
  ok.statusCode = "200";
  ok.responseTemplates["text/plain"] = *gw.templates().compile("hello $stageVariables.who");
  integration.responses.push_back(std::move(ok));
  integration.defaultResponse = &integration.responses.back();
  auto node = std::make_unique<gateway::RouteNode>();
  node->resourceId = "hi1";
  node->resourcePath = "/hi";
  node->methods.emplace("GET", std::move(method));
  snap->root.literals.emplace("hi", std::move(node));
  gw.install(snap);

  auto res = gw.get("/hi");
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res.body(), "hello world");
  EXPECT_EQ(res[beast::http::field::content_type], "text/plain");
  expectMissingToken(sendTo(gw, apiHost(), "/dev/hi"));  // only what was installed is served
}

}  // namespace
}  // namespace portico::loopback
