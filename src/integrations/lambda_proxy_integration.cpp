// AWS_PROXY (Lambda proxy integration): the whole request goes to the function as a
// proxy event and the function's proxy response is the client's response.
// Malformed proxy response or function error → 502 {"message": "Internal server error"}.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>

#include "gateway/binary_media.h"
#include "gateway/lambda_invocation.h"
#include "gateway/lambda_proxy_event.h"
#include "integrations/integrations.h"

namespace portico::integrations {
namespace {

class LambdaProxyIntegration final : public Integration {
 public:
  explicit LambdaProxyIntegration(functions::Invoker& invoker) : invoker_(invoker) {}

  boost::asio::awaitable<gateway::StageResult> invoke(gateway::RequestContext& ctx) override {
    const gateway::GatewayError internal{"API_CONFIGURATION_ERROR", "Internal server error"};
    if (ctx.match.method->integration->httpMethod != "POST") {
      spdlog::info("request {}: AWS_PROXY integrations invoke Lambda with POST only", ctx.requestId);
      co_return internal;
    }
    auto outcome = co_await gateway::invokeFunction(invoker_, ctx, gateway::buildProxyEvent(ctx));
    if (!outcome) co_return outcome.takeError();
    auto& result = outcome.value();
    gateway::GatewayError badGateway{"API_CONFIGURATION_ERROR", "Internal server error", 502};
    if (!result.functionError.empty()) {
      spdlog::info("request {}: Lambda function error: {}", ctx.requestId, result.payload);
      co_return badGateway;
    }
    bool binaryAccept =
        gateway::acceptsBinary(ctx.stage->binaryMediaTypes, ctx.request[boost::beast::http::field::accept]);
    auto response = gateway::parseProxyResponse(result.payload, binaryAccept);
    if (!response) {
      spdlog::info("request {}: Execution failed due to configuration error: Malformed Lambda proxy response",
                   ctx.requestId);
      co_return badGateway;
    }
    auto& out = ctx.integrationResult;
    out.status = response->status;
    out.headers = std::move(response->headers);
    out.body = std::move(response->body);
    out.proxy = true;
    bool hasType = false;
    for (auto& [k, v] : out.headers) hasType = hasType || boost::beast::iequals(k, "content-type");
    if (!hasType) out.headers.emplace_back("Content-Type", "application/json");
    co_return std::nullopt;
  }

 private:
  functions::Invoker& invoker_;
};

}  // namespace

std::unique_ptr<Integration> makeLambdaProxyIntegration(functions::Invoker& invoker) {
  return std::make_unique<LambdaProxyIntegration>(invoker);
}

}  // namespace portico::integrations
