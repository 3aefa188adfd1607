// Method Response stage: assembles the client's HTTP response (status, mapped or
// proxied headers, body) and the headers every API Gateway response carries.
#pragma once
#include "gateway/request_context.h"

namespace portico::gateway {

http::Response runMethodResponse(RequestContext& ctx);

}  // namespace portico::gateway
