// Integration Response stage: for non-proxy integrations, selects the integration
// response (selectionPattern against the status code, else the default), maps
// response parameters and renders the response template chosen by Accept.
#pragma once
#include "gateway/request_context.h"

namespace portico::gateway {

StageResult runIntegrationResponse(RequestContext& ctx);

}  // namespace portico::gateway
