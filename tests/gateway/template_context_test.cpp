#include "gateway/template_context.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace portico::gateway {
namespace {

TEST(TemplateContext, VelocityTemplatesSeeTheRequest) {
  http::Request request{boost::beast::http::verb::post, "/dev/pets/42?q=cat", 11};
  request.set(boost::beast::http::field::host, "abc123defg.execute-api.localhost");
  request.set(boost::beast::http::field::user_agent, "curl/7.88");
  http::ConnectionInfo conn{"127.0.0.9", 0};
  auto stage = std::make_shared<StageSnapshot>();
  stage->apiId = "abc123defg";
  stage->stageName = "dev";
  stage->stageVariables["color"] = "blue";
  CompiledMethod method;
  method.httpMethod = "POST";
  method.resourceId = "res001";
  method.resourcePath = "/pets/{id}";
  RouteMatch routed;  // (a named match: GCC 12 sees the map of a braced temporary as uninitialized)
  RequestContext ctx{request, conn, stage, "req-1", "ext-1", "/pets/42", "q=cat", routed};
  ctx.match.method = &method;
  ctx.match.pathParams["id"] = "42";
  ctx.queryLast["q"] = "cat";
  ctx.headersLast["X-Trace"] = "t1";
  ctx.receivedAt = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours{12} +
                   std::chrono::milliseconds{345};  // the injected clock's reading, not the wall's

  auto engine = vtl::makeVelocityTemplateEngine();
  auto tmpl = engine->compile(
      "$context.requestTime $context.requestTimeEpoch $context.stage $context.requestId $context.apiId "
      "$context.resourcePath $context.httpMethod "
      "$context.path $context.identity.sourceIp $input.params('id') $input.params('q') "
      "$input.params('X-Trace') $stageVariables.color $input.json('$.name')");
  ASSERT_TRUE(tmpl) << tmpl.error().message;
  auto context = buildTemplateContext(ctx);
  auto out = (*tmpl)->render(templateInput(ctx, R"({"name":"Rex"})", context));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out,
            "01/May/2024:12:00:00 +0000 1714564800345 dev req-1 abc123defg /pets/{id} POST /dev/pets/42 127.0.0.9 42 "
            "cat t1 blue \"Rex\"");
}

TEST(TemplateContext, ResponseTemplatesSeeTheIntegrationsAnswer) {
  http::Request request{boost::beast::http::verb::get, "/dev/items/1", 11};
  http::ConnectionInfo conn{"127.0.0.9", 0};
  auto stage = std::make_shared<StageSnapshot>();
  stage->apiId = "abc123defg";
  stage->stageName = "dev";
  RouteMatch routed;
  RequestContext ctx{request, conn, stage, "req-1", "ext-1", "/items/1", "", routed};
  auto engine = vtl::makeVelocityTemplateEngine();
  auto tmpl = engine->compile(
      "[$context.integration.status|$context.integration.integrationStatus|$context.integration.latency|"
      "$context.integration.requestId|$context.integration.error|$context.integrationLatency|"
      "$context.integrationStatus|$context.awsEndpointRequestId|$context.awsEndpointRequestId2]");
  ASSERT_TRUE(tmpl) << tmpl.error().message;
  {
    // Before the integration has answered (a request template), none of it is there.
    auto context = buildTemplateContext(ctx);
    auto out = (*tmpl)->render(templateInput(ctx, "", context));
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, "[||||||||]");
  }
  ctx.integrationResult.status = 404;
  ctx.integrationResult.headers = {{"X-Amz-Request-Id", "S3REQ1"}, {"x-amz-id-2", "ext/id2"}};
  ctx.integrationLatency = std::chrono::milliseconds{17};
  auto context = buildTemplateContext(ctx);
  auto out = (*tmpl)->render(templateInput(ctx, "", context));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "[404|404|17|S3REQ1||17|404|S3REQ1|ext/id2]");
  ctx.integrationResult.headers = {{"x-amzn-RequestId", "DDBREQ"}};
  context = buildTemplateContext(ctx);
  out = (*tmpl)->render(templateInput(ctx, "", context));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "[404|404|17|DDBREQ||17|404|DDBREQ|]");
}

}  // namespace
}  // namespace portico::gateway
