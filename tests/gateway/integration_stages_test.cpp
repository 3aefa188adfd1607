// The Integration Request and Integration Response stages over hand-built contexts:
// template selection, passthrough behaviours, contentHandling, overrides, selection subjects.
#include <gtest/gtest.h>

#include "common/base64.h"
#include "gateway/integration_request.h"
#include "gateway/integration_response.h"

namespace portico::gateway {
namespace {

class IntegrationStages : public ::testing::Test {
 protected:
  void SetUp() override {
    stage_->apiId = "api";
    stage_->stageName = "dev";
    stage_->binaryMediaTypes = {"image/png"};
    method_.resourcePath = "/items/{id}";
    method_.integration = std::make_unique<CompiledIntegration>();
    integration().type = IntegrationType::kHttp;
    integration().uri = "http://upstream.local/items/{id}";
    integration().httpMethod = "POST";
    responses_.push_back({"200", "", nullptr, {}, {}, ""});
  }

  CompiledIntegration& integration() { return *method_.integration; }

  std::shared_ptr<const vtl::CompiledTemplate> compile(std::string_view text) {
    auto t = engine_->compile(text);
    EXPECT_TRUE(t) << t.error().message;
    return *t;
  }

  RequestContext& context(std::string contentType, std::string body, std::string accept = "") {
    request_.set(boost::beast::http::field::content_type, contentType);
    if (!accept.empty()) request_.set(boost::beast::http::field::accept, accept);
    request_.body() = std::move(body);
    integration().responses = responses_;
    integration().defaultResponse = nullptr;
    for (auto& r : integration().responses) {
      if (!r.pattern) integration().defaultResponse = &r;
    }
    ctx_ =
        std::make_unique<RequestContext>(RequestContext{request_, conn_, stage_, "req-1", "ext-1", "/items/7", "", {}});
    ctx_->match.method = &method_;
    ctx_->match.pathParams["id"] = "7";
    return *ctx_;
  }

  std::unique_ptr<vtl::TemplateEngine> engine_ = vtl::makeVelocityTemplateEngine();
  std::shared_ptr<StageSnapshot> stage_ = std::make_shared<StageSnapshot>();
  http::Request request_{boost::beast::http::verb::post, "/dev/items/7", 11};
  http::ConnectionInfo conn_{"127.0.0.1", 0};
  CompiledMethod method_;
  std::vector<CompiledIntegrationResponse> responses_;
  std::unique_ptr<RequestContext> ctx_;
};

TEST_F(IntegrationStages, TemplateOverridesRewriteTheIntegrationRequest) {
  integration().requestTemplates["application/json"] = compile(
      "#set($context.requestOverride.header.X-Over = \"yes\")"
      "#set($context.requestOverride.querystring.q = \"a b\")"
      "#set($context.requestOverride.path.id = \"99\"){\"n\": $input.json('$.n')}");
  auto& ctx = context("application/json", R"({"n": 5})");
  ASSERT_FALSE(runIntegrationRequest(ctx));
  EXPECT_EQ(ctx.integrationRequest.url, "http://upstream.local/items/99?q=a%20b");
  EXPECT_EQ(ctx.integrationRequest.body, R"({"n": 5})");
  bool found = false;
  for (auto& [k, v] : ctx.integrationRequest.headers) found = found || (k == "X-Over" && v == "yes");
  EXPECT_TRUE(found);
}

TEST_F(IntegrationStages, BodyJsonPathMappings) {
  integration().requestParameters["integration.request.header.X-Owner"] = "method.request.body.owner.name";
  integration().requestParameters["integration.request.querystring.n"] = "method.request.body.tags[1]";
  auto& ctx = context("application/json", R"({"owner": {"name": "ann"}, "tags": ["a", "b"]})");
  ASSERT_FALSE(runIntegrationRequest(ctx));
  EXPECT_EQ(ctx.integrationRequest.url, "http://upstream.local/items/{id}?n=b");
  bool found = false;
  for (auto& [k, v] : ctx.integrationRequest.headers) found = found || (k == "X-Owner" && v == "ann");
  EXPECT_TRUE(found);

  responses_[0].responseParameters["method.response.header.X-Id"] = "integration.response.body.item.id";
  responses_[0].responseParameters["method.response.header.X-Obj"] = "integration.response.body.item";
  responses_[0].responseParameters["method.response.header.X-None"] = "integration.response.body.nope";
  auto& out = context("application/json", "{}");
  out.integrationResult.body = R"({"item": {"id": 42}})";
  ASSERT_FALSE(runIntegrationResponse(out));
  ASSERT_EQ(out.responseHeaders.size(), 2u);
  EXPECT_EQ(out.responseHeaders[0], (std::pair<std::string, std::string>{"X-Id", "42"}));
  EXPECT_EQ(out.responseHeaders[1], (std::pair<std::string, std::string>{"X-Obj", R"({"id":42})"}));
}

TEST_F(IntegrationStages, MultiValueMappings) {
  integration().requestParameters["integration.request.header.X-Tags"] = "method.request.multivaluequerystring.tag";
  integration().requestParameters["integration.request.header.X-Trace"] = "method.request.multivalueheader.X-Trace";
  request_.insert("X-Trace", "t1");
  request_.insert("X-Trace", "t2");
  auto& ctx = context("application/json", "{}");
  ctx.query = {{"tag", "a"}, {"other", "x"}, {"tag", "b"}};
  ASSERT_FALSE(runIntegrationRequest(ctx));
  std::map<std::string, std::string> headers(ctx.integrationRequest.headers.begin(),
                                             ctx.integrationRequest.headers.end());
  EXPECT_EQ(headers["X-Tags"], "a,b");
  EXPECT_EQ(headers["X-Trace"], "t1,t2");

  integration().requestParameters.clear();
  integration().requestParameters["integration.request.multivaluequerystring.t"] =
      "method.request.multivaluequerystring.tag";
  integration().requestParameters["integration.request.multivalueheader.X-T"] =
      "method.request.multivalueheader.X-Trace";
  auto& multi = context("application/json", "{}");
  multi.query = {{"tag", "a"}, {"tag", "b"}};
  ASSERT_FALSE(runIntegrationRequest(multi));
  EXPECT_EQ(multi.integrationRequest.url, "http://upstream.local/items/{id}?t=a&t=b");
  int lines = 0;
  for (auto& [k, v] : multi.integrationRequest.headers) lines += k == "X-T" ? 1 : 0;
  EXPECT_EQ(lines, 2);

  responses_[0].responseParameters["method.response.header.X-Cookies"] =
      "integration.response.multivalueheader.Set-Cookie";
  auto& out = context("application/json", "{}");
  out.integrationResult.headers = {{"Set-Cookie", "a=1"}, {"Other", "x"}, {"set-cookie", "b=2"}};
  ASSERT_FALSE(runIntegrationResponse(out));
  ASSERT_EQ(out.responseHeaders.size(), 1u);
  EXPECT_EQ(out.responseHeaders[0].second, "a=1,b=2");
}

TEST_F(IntegrationStages, PassthroughBehaviours) {
  integration().requestTemplates["application/json"] = compile("{}");
  integration().passthroughBehavior = "NEVER";
  auto err = runIntegrationRequest(context("text/plain", "hi"));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->responseType, "UNSUPPORTED_MEDIA_TYPE");
  integration().passthroughBehavior = "WHEN_NO_TEMPLATES";
  EXPECT_TRUE(runIntegrationRequest(context("text/plain", "hi")));
  integration().passthroughBehavior = "WHEN_NO_MATCH";
  auto& ctx = context("text/plain", "hi");
  ASSERT_FALSE(runIntegrationRequest(ctx));
  EXPECT_EQ(ctx.integrationRequest.body, "hi");
  // A missing Content-Type selects the application/json template.
  auto& json = context("", "{}");
  ASSERT_FALSE(runIntegrationRequest(json));
  EXPECT_EQ(json.integrationRequest.body, "{}");
}

TEST_F(IntegrationStages, RequestContentHandling) {
  integration().requestTemplates["image/png"] = compile("body=$input.body");
  const std::string png("\x89PNG\x00\xff", 6);
  auto& raw = context("image/png", png);
  ASSERT_FALSE(runIntegrationRequest(raw));
  EXPECT_EQ(raw.integrationRequest.body, png) << "binary passes through untouched, no template";
  integration().contentHandling = "CONVERT_TO_TEXT";
  auto& text = context("image/png", png);
  ASSERT_FALSE(runIntegrationRequest(text));
  EXPECT_EQ(text.integrationRequest.body, "body=" + base64Encode(png));
  integration().contentHandling = "CONVERT_TO_BINARY";
  auto& decoded = context("text/plain", base64Encode("bytes"));
  ASSERT_FALSE(runIntegrationRequest(decoded));
  EXPECT_EQ(decoded.integrationRequest.body, "bytes");
}

TEST_F(IntegrationStages, LambdaErrorsSelectByErrorMessage) {
  responses_.push_back({"400", "Bad.*", std::make_shared<re2::RE2>("Bad.*"), {}, {}, ""});
  responses_.back().responseTemplates["application/json"] = compile("{\"e\": $input.json('$.errorMessage')}");
  auto& ctx = context("application/json", "{}");
  ctx.integrationResult.body = R"({"errorMessage":"Bad thing","errorType":"Error"})";
  ctx.integrationResult.headers = {{"Content-Type", "application/json"}};
  ctx.integrationResult.selectionSubject = "Bad thing";
  ASSERT_FALSE(runIntegrationResponse(ctx));
  EXPECT_EQ(ctx.selectedStatus, "400");
  EXPECT_EQ(ctx.responseBody, R"({"e": "Bad thing"})");
  auto& ok = context("application/json", "{}");
  ok.integrationResult.body = "{}";
  ok.integrationResult.selectionSubject = "";
  ASSERT_FALSE(runIntegrationResponse(ok));
  EXPECT_EQ(ok.selectedStatus, "200");
}

TEST_F(IntegrationStages, ResponseOverrideAndTemplateContentType) {
  responses_[0].responseTemplates["text/html"] = compile(
      "#set($context.responseOverride.status = 418)"
      "#set($context.responseOverride.header.X-Teapot = \"short\")<p>$input.path('$.a')</p>");
  auto& ctx = context("application/json", "{}", "text/html");
  ctx.integrationResult.body = R"({"a": "stout"})";
  ASSERT_FALSE(runIntegrationResponse(ctx));
  EXPECT_EQ(ctx.selectedStatus, "418");
  EXPECT_EQ(ctx.responseBody, "<p>stout</p>");
  EXPECT_EQ(ctx.responseContentType, "text/html");
  ASSERT_EQ(ctx.responseHeaders.size(), 1u);
  EXPECT_EQ(ctx.responseHeaders[0], (std::pair<std::string, std::string>{"X-Teapot", "short"}));
}

TEST_F(IntegrationStages, ResponseContentHandlingFollowsAwsTable) {
  const std::string png("\x89PNG\x00\xff", 6);
  auto run = [&](std::string handling, std::string payloadType, std::string payload, std::string accept) {
    responses_[0].contentHandling = handling;
    auto& ctx = context("application/json", "{}", accept);
    ctx.integrationResult.headers = {{"Content-Type", payloadType}};
    ctx.integrationResult.body = payload;
    auto err = runIntegrationResponse(ctx);
    return err ? "error:" + err->responseType : ctx.responseBody;
  };
  EXPECT_EQ(run("", "image/png", png, "image/png"), png);
  EXPECT_EQ(run("", "image/png", png, "application/json"), base64Encode(png));
  EXPECT_EQ(run("CONVERT_TO_TEXT", "image/png", png, "image/png"), base64Encode(png));
  EXPECT_EQ(run("CONVERT_TO_BINARY", "image/png", png, "application/json"), png);
  EXPECT_EQ(run("", "application/json", base64Encode(png), "image/png"), png);
  EXPECT_EQ(run("CONVERT_TO_TEXT", "application/json", "{}", "image/png"), "{}");
  EXPECT_EQ(run("CONVERT_TO_BINARY", "text/plain", base64Encode("hi"), "text/plain"), "hi");
  EXPECT_EQ(run("", "text/plain", "not base64!", "image/png"), "error:API_CONFIGURATION_ERROR");
}

}  // namespace
}  // namespace portico::gateway
