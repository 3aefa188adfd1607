#include "gateway/pipeline.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <chrono>

#include "auth/sigv4_signer.h"
#include "gateway/execution_log.h"
#include "gateway/gateway_responses.h"
#include "gateway/integration_request.h"
#include "gateway/integration_response.h"
#include "gateway/method_request.h"
#include "gateway/method_response.h"
#include "gateway/response_caching.h"

namespace portico::gateway {
namespace {

// Execution log steps (written only when ctx.log is set: TestInvokeMethod).

void logMethodRequest(const RequestContext& ctx, ExecutionLog& log) {
  log.add("Starting execution for request: " + ctx.requestId);
  log.add("HTTP Method: " + std::string(ctx.request.method_string()) + ", Resource Path: " + ctx.path);
  log.add("Method request path: " + ExecutionLog::formatMap(ctx.match.pathParams));
  log.add("Method request query string: " + ExecutionLog::formatMap(ctx.queryLast));
  log.add("Method request headers: " + ExecutionLog::formatMap(ctx.headersLast));
  log.add("Method request body before transformations: " + ctx.request.body());
}

void logEndpointRequest(const RequestContext& ctx, const CompiledIntegration& integration, ExecutionLog& log) {
  if (integration.type != IntegrationType::kMock) {
    const std::string& uri = ctx.integrationRequest.url.empty() ? integration.uri : ctx.integrationRequest.url;
    log.add("Endpoint request URI: " + uri);
    auto headers = ctx.integrationRequest.headers;  // a signature shows as API Gateway masks it
    for (auto& [name, value] : headers) {
      if (boost::beast::iequals(name, "Authorization")) value = auth::redactAuthorization(value);
    }
    log.add("Endpoint request headers: " + ExecutionLog::formatMap(headers));
  }
  log.add("Endpoint request body after transformations: " + ctx.integrationRequest.body);
  if (integration.type != IntegrationType::kMock) {
    log.add("Sending request to " +
            (ctx.integrationRequest.url.empty() ? integration.uri : ctx.integrationRequest.url));
  }
}

void logEndpointResponse(const RequestContext& ctx, const CompiledIntegration& integration,
                         std::chrono::steady_clock::duration latency, ExecutionLog& log) {
  if (integration.type == IntegrationType::kMock) return;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(latency).count();
  log.add("Received response. Status: " + std::to_string(ctx.integrationResult.status) +
          ", Integration latency: " + std::to_string(ms) + " ms");
  log.add("Endpoint response headers: " + ExecutionLog::formatMap(ctx.integrationResult.headers));
  log.add("Endpoint response body before transformations: " + ctx.integrationResult.body);
}

void logMethodResponse(const http::Response& res, ExecutionLog& log) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& f : res) headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  log.add("Method response body after transformations: " + res.body());
  log.add("Method response headers: " + ExecutionLog::formatMap(headers));
  log.add("Successfully completed execution");
  log.add("Method completed with status: " + std::to_string(res.result_int()));
}

void logFailure(const GatewayError& e, const http::Response& res, ExecutionLog& log) {
  if (e.responseType == "API_CONFIGURATION_ERROR" || e.responseType == "INTEGRATION_FAILURE" ||
      e.responseType == "INTEGRATION_TIMEOUT") {
    log.add("Execution failed due to configuration error: " + (e.detail.empty() ? e.message : e.detail));
  } else {
    log.add("Gateway response type: " + e.responseType + " with status code: " + std::to_string(res.result_int()));
    if (!e.validationError.empty()) log.add("Request validation failed: " + e.validationError);
  }
  log.add("Method completed with status: " + std::to_string(res.result_int()));
}

}  // namespace

StageResult Pipeline::runMappingInline(RequestContext& ctx, StageResult (*stage)(RequestContext&)) const {
  ctx.renderTimeSlice = renderExecutor_ ? kInlineRenderSlice : std::chrono::microseconds{0};
  StageResult result = stage(ctx);
  ctx.renderTimeSlice = {};
  return result;
}

boost::asio::awaitable<StageResult> Pipeline::runMappingElsewhere(RequestContext& ctx,
                                                                  StageResult (*stage)(RequestContext&)) const {
  // Start over where a long render holds nobody up: the stage makes its output afresh and nothing
  // else touches ctx while this coroutine waits.
  co_return co_await boost::asio::co_spawn(
      renderExecutor_, [&ctx, stage]() -> boost::asio::awaitable<StageResult> { co_return stage(ctx); },
      boost::asio::use_awaitable);
}

boost::asio::awaitable<http::Reply> Pipeline::run(RequestContext& ctx) const {
  auto fail = [&](const GatewayError& e) {
    http::Response res = gatewayErrorResponse(e, ctx);
    if (ctx.log) logFailure(e, res, *ctx.log);
    return http::Reply(std::move(res));
  };
  // A failure of Portico's own inside a stage (the store unreadable on a cache miss, memory) is API
  // Gateway's own 500 — `{"message": "Internal server error"}`, x-amzn-ErrorType, the API's
  // DEFAULT_5XX customisation — never the server's generic reply. (One coroutine: a frame of its own
  // for the guard would cost every request an allocation.)
  std::string failure;
  try {
    auto err = co_await methodRequest_.run(ctx);
    if (ctx.log) logMethodRequest(ctx, *ctx.log);
    if (err) co_return fail(*err);

    // The stage cache: a hit is answered here, past the Method Request stage's checks.
    CacheDecision cached = decideCaching(ctx);
    if (cached.refusal) co_return fail(*cached.refusal);
    if (cached.read) {
      if (auto entry = ctx.stage->cache->get(cached.key)) {
        ctx.cacheOutcome = RequestContext::CacheOutcome::kHit;
        http::Reply hit = cachedReply(*entry, ctx);
        if (cached.warn) hit.response.set(kCacheWarningHeader, kCacheWarningValue);
        co_return hit;
      }
    }

    if (!cached.key.empty()) ctx.cacheOutcome = RequestContext::CacheOutcome::kMiss;
    const CompiledIntegration* integration = ctx.match.method->integration.get();
    if (!integration) co_return fail({"API_CONFIGURATION_ERROR", "Internal server error"});
    Integration* backend = nullptr;
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
        backend = integration->lambdaFunction ? integrations_.lambda : integrations_.awsService;
        break;
    }
    if (!backend) co_return fail({"API_CONFIGURATION_ERROR", "Internal server error"});

    // Mapping stages run inline (no coroutine frame on the common path); a render that outran its
    // slice is run again off the loop.
    StageResult mapped = runMappingInline(ctx, &runIntegrationRequest);
    if (mapped && mapped->timeSliceSpent) mapped = co_await runMappingElsewhere(ctx, &runIntegrationRequest);
    if (mapped) co_return fail(*mapped);
    if (auto e = backend->prepare(ctx)) co_return fail(*e);
    if (ctx.log) logEndpointRequest(ctx, *integration, *ctx.log);
    const auto started = std::chrono::steady_clock::now();
    if (auto e = co_await backend->invoke(ctx)) co_return fail(*e);
    const auto took = std::chrono::steady_clock::now() - started;
    ctx.integrationLatency = std::chrono::duration_cast<std::chrono::microseconds>(took);
    if (ctx.log) logEndpointResponse(ctx, *integration, took, *ctx.log);
    mapped = runMappingInline(ctx, &runIntegrationResponse);
    if (mapped && mapped->timeSliceSpent) mapped = co_await runMappingElsewhere(ctx, &runIntegrationResponse);
    if (mapped) co_return fail(*mapped);
    http::Reply reply = runMethodResponse(ctx);
    if (ctx.log) logMethodResponse(reply.response, *ctx.log);
    if (!cached.key.empty()) {
      if (auto entry = cacheableResponse(reply)) {
        ctx.stage->cache->put(std::move(cached.key), std::move(entry), ctx.match.method->caching->ttl);
      }
      if (cached.warn) reply.response.set(kCacheWarningHeader, kCacheWarningValue);
    }
    co_return reply;
  } catch (const std::exception& e) {
    failure = e.what();
  }
  spdlog::error("request {}: {} {}: {}", ctx.requestId, std::string(ctx.request.method_string()),
                std::string(ctx.request.target().substr(0, 200)), failure);
  co_return fail(GatewayError{"DEFAULT_5XX", "Internal server error", 500});
}

}  // namespace portico::gateway
