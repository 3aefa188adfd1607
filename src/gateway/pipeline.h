// Pipeline: the only place that knows the order of the request-response cycle:
// Method Request → Integration Request → Integration → Integration Response →
// Method Response. The data plane (and later test-invoke) run requests through it.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "gateway/method_request.h"
#include "gateway/request_context.h"
#include "integrations/integration.h"

namespace portico::gateway {

/// The integrations the pipeline dispatches to, by type (borrowed).
struct Integrations {
  integrations::Integration* mock = nullptr;
  integrations::Integration* http = nullptr;
  integrations::Integration* lambdaProxy = nullptr;  // AWS_PROXY
  integrations::Integration* lambda = nullptr;       // AWS (Lambda)
};

class Pipeline {
 public:
  /// Both borrowed.
  Pipeline(const MethodRequest& methodRequest, Integrations integrations)
      : methodRequest_(methodRequest), integrations_(integrations) {}
  /// Runs a routed request (ctx.match.method set) to its final response.
  boost::asio::awaitable<http::Reply> run(RequestContext& ctx) const;

 private:
  const MethodRequest& methodRequest_;
  Integrations integrations_;
};

}  // namespace portico::gateway
