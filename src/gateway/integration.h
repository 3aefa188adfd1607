// Integration: the interface of one backend kind (MOCK, HTTP/HTTP_PROXY, AWS_PROXY and AWS with
// Lambda, AWS with another service), which the pipeline dispatches to; integrations/ implements it.
// Reads ctx.integrationRequest, fills ctx.integrationResult, or answers a gateway error.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "gateway/request_context.h"

namespace portico::gateway {

class Integration {
 public:
  virtual ~Integration() = default;
  /// After the Integration Request mapping, before the request is logged and sent: a backend that
  /// turns ctx.integrationRequest into what goes on the wire (an AWS service's endpoint URL and
  /// signed headers) does it here, so the execution log shows what is sent.
  virtual StageResult prepare(RequestContext&) { return std::nullopt; }
  virtual boost::asio::awaitable<StageResult> invoke(RequestContext& ctx) = 0;
};

}  // namespace portico::gateway
