// Request validation (part of the Method Request stage): the checks a method's
// request validator turns on. Required method.request.* parameters must be present
// (400 "Missing required request parameters: [a, b]"), and the body must parse as
// JSON and satisfy the model chosen by Content-Type (400 "Invalid request body").
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
#pragma once
#include "gateway/request_context.h"

namespace portico::gateway {

StageResult validateRequest(const RequestContext& ctx);

}  // namespace portico::gateway
