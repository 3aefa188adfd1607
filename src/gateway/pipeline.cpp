#include "gateway/pipeline.h"

#include "gateway/gateway_responses.h"
#include "gateway/integration_request.h"
#include "gateway/integration_response.h"
#include "gateway/method_request.h"
#include "gateway/method_response.h"

namespace portico::gateway {

boost::asio::awaitable<http::Response> Pipeline::run(RequestContext& ctx) const {
  auto fail = [&](const GatewayError& e) { return gatewayErrorResponse(e, ctx); };
  if (auto err = co_await methodRequest_.run(ctx)) co_return fail(*err);

  const CompiledIntegration* integration = ctx.match.method->integration.get();
  if (!integration) co_return fail({"API_CONFIGURATION_ERROR", "Internal server error"});
  integrations::Integration* backend = nullptr;
  switch (integration->type) {
    case IntegrationType::kMock:
      backend = integrations_.mock;
      break;
    case IntegrationType::kHttp:
    case IntegrationType::kHttpProxy:
      backend = integrations_.http;
      break;
    case IntegrationType::kAwsProxy:
      backend = integrations_.lambdaProxy;
      break;
    case IntegrationType::kAws:
      backend = integrations_.lambda;
      break;
  }
  if (!backend) co_return fail({"API_CONFIGURATION_ERROR", "Internal server error"});

  if (auto err = runIntegrationRequest(ctx)) co_return fail(*err);
  if (auto err = co_await backend->invoke(ctx)) co_return fail(*err);
  if (auto err = runIntegrationResponse(ctx)) co_return fail(*err);
  co_return runMethodResponse(ctx);
}

}  // namespace portico::gateway
