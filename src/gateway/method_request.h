// Method Request stage: reads what the client sent into the context (query,
// headers). Authorization, API keys, throttling and validation join here later.
#pragma once
#include "gateway/request_context.h"

namespace portico::gateway {

StageResult runMethodRequest(RequestContext& ctx);

}  // namespace portico::gateway
