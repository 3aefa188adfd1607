// Gateway responses: the errors API Gateway itself answers (AWS's response types
// with their default status, x-amzn-ErrorType and body). Customisation per API
// (put-gateway-response) arrives with the Method Request issue.
#pragma once
#include "gateway/request_context.h"
#include "http/handler.h"

namespace portico::gateway {

/// The HTTP response for a gateway error, with the request-id headers set.
http::Response gatewayErrorResponse(const GatewayError& error, const std::string& requestId,
                                    const std::string& apigwId);

}  // namespace portico::gateway
