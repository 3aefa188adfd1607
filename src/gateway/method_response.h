// Method Response stage: assembles the client's HTTP response (status, mapped or
// proxied headers, body) and the headers every API Gateway response carries. A proxy backend's body
// that is still arriving (IntegrationResult::rest) goes with it, to be relayed by the server.
#pragma once
#include "gateway/request_context.h"

namespace portico::gateway {

http::Reply runMethodResponse(RequestContext& ctx);

}  // namespace portico::gateway
