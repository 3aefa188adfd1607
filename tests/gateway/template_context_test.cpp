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
  RequestContext ctx{request, conn, stage, "req-1", "ext-1", "/pets/42", "q=cat", {}};
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

}  // namespace
}  // namespace portico::gateway
