// Integration: the interface of one backend kind (MOCK, HTTP/HTTP_PROXY, AWS_PROXY and AWS with
// Lambda), which the pipeline dispatches to; integrations/ implements it.
// Reads ctx.integrationRequest, fills ctx.integrationResult, or answers a gateway error.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "gateway/request_context.h"

namespace portico::gateway {

class Integration {
 public:
  virtual ~Integration() = default;
  virtual boost::asio::awaitable<StageResult> invoke(RequestContext& ctx) = 0;
};

}  // namespace portico::gateway
