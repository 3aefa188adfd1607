#include "gateway/lambda_invocation.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace portico::gateway {
namespace asio = boost::asio;
using functions::InvokeResult;

namespace {
constexpr std::string_view kPath = ":lambda:path/2015-03-31/functions/";
}  // namespace

bool namesLambdaFunction(std::string_view uri) {
  return uri.find(kPath) != std::string_view::npos;
}

std::optional<std::string> functionFromUri(std::string_view uri) {
  constexpr std::string_view kSuffix = "/invocations";
  if (!uri.starts_with("arn:")) return std::nullopt;
  auto at = uri.find(kPath);
  if (at == std::string_view::npos || !uri.ends_with(kSuffix)) return std::nullopt;
  std::size_t start = at + kPath.size();
  if (start >= uri.size() - kSuffix.size()) return std::nullopt;
  return std::string(uri.substr(start, uri.size() - kSuffix.size() - start));
}

namespace {

/// The invocation's outcome, shared between the waiting request and the invocation that may
/// outlive it (on timeout the request answers 504 and the late result is dropped).
struct Pending {
  explicit Pending(asio::any_io_executor ex) : done(ex) {}
  std::optional<Result<InvokeResult>> result;
  asio::steady_timer done;
};

}  // namespace

asio::awaitable<Result<InvokeResult, GatewayError>> invokeFunction(functions::Invoker& invoker, RequestContext& ctx,
                                                                   std::string payload) {
  auto function = functionFromUri(ctx.integrationRequest.url);
  if (!function) {
    spdlog::warn("request {}: not a Lambda invocation URI: {}", ctx.requestId, ctx.integrationRequest.url);
    co_return GatewayError{"API_CONFIGURATION_ERROR", "Internal server error"};
  }
  functions::InvokeRequest request;
  request.function = *function;
  request.payload = std::move(payload);

  auto executor = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(executor);
  pending->done.expires_after(std::chrono::milliseconds(ctx.match.method->integration->timeoutMs));
  auto run = [](functions::Invoker& inv,
                functions::InvokeRequest req) -> asio::awaitable<std::optional<Result<InvokeResult>>> {
    co_return co_await inv.invoke(std::move(req));
  };
  asio::co_spawn(executor, run(invoker, std::move(request)),
                 [pending](std::exception_ptr e, std::optional<Result<InvokeResult>> r) {
                   if (e || !r) {
                     pending->result = Result<InvokeResult>(ApiError::internal("invocation failed"));
                   } else {
                     pending->result = std::move(*r);
                   }
                   pending->done.cancel();
                 });
  boost::system::error_code ec;
  co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  if (!pending->result) {
    spdlog::info("request {}: function {} did not answer within {} ms", ctx.requestId, *function,
                 ctx.match.method->integration->timeoutMs);
    co_return GatewayError{"INTEGRATION_TIMEOUT", "Endpoint request timed out"};
  }
  Result<InvokeResult>& result = *pending->result;
  if (!result) {
    const ApiError& err = result.error();
    spdlog::info("request {}: invoking {} failed: {} {}", ctx.requestId, *function, err.type, err.message);
    int status = err.status == 403 ? 500 : 502;
    co_return GatewayError{"API_CONFIGURATION_ERROR", "Internal server error", status};
  }
  co_return std::move(result).value();
}

}  // namespace portico::gateway
