// Pipeline: the only place that knows the order of the request-response cycle:
// Method Request → Integration Request → Integration → Integration Response →
// Method Response. The data plane (and later test-invoke) run requests through it.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>

#include "gateway/integration.h"
#include "gateway/method_request.h"
#include "gateway/request_context.h"

namespace portico::gateway {

/// The integrations the pipeline dispatches to, by type (borrowed).
struct Integrations {
  Integration* mock = nullptr;
  Integration* http = nullptr;
  Integration* lambdaProxy = nullptr;  // AWS_PROXY
  Integration* lambda = nullptr;       // AWS (Lambda)
  Integration* awsService = nullptr;   // AWS (every other service)
};

/// Mapping templates render on the serving loop for up to this long; one that needs more is
/// started over on the render executor (with the template's full budget, 1 s), so an expensive
/// template delays its own request and never the loop's other connections.
inline constexpr std::chrono::microseconds kInlineRenderSlice{2000};

class Pipeline {
 public:
  /// Both borrowed. `renderExecutor`: where long renders run (a thread pool of their own); without
  /// one, every render runs where the request does.
  Pipeline(const MethodRequest& methodRequest, Integrations integrations,
           boost::asio::any_io_executor renderExecutor = {})
      : methodRequest_(methodRequest), integrations_(integrations), renderExecutor_(std::move(renderExecutor)) {}
  /// Runs a routed request (ctx.match.method set) to its final response.
  boost::asio::awaitable<http::Reply> run(RequestContext& ctx) const;
  /// Runs a mapping stage here, its renders bounded to kInlineRenderSlice when there is a render
  /// executor to finish longer ones (the result is then marked timeSliceSpent).
  StageResult runMappingInline(RequestContext& ctx, StageResult (*stage)(RequestContext&)) const;
  /// Runs it again on the render executor with the full budget.
  boost::asio::awaitable<StageResult> runMappingElsewhere(RequestContext& ctx,
                                                          StageResult (*stage)(RequestContext&)) const;

  const MethodRequest& methodRequest_;
  Integrations integrations_;
  boost::asio::any_io_executor renderExecutor_;
};

}  // namespace portico::gateway
