// Integration Request stage: maps the method request onto what the integration
// needs: the endpoint URL (path variables, stage variables), mapped parameters,
// and the body (request template by Content-Type, passthrough behaviour).
#pragma once
#include "gateway/request_context.h"

namespace portico::gateway {

StageResult runIntegrationRequest(RequestContext& ctx);

}  // namespace portico::gateway
