// Template context: what a mapping template sees of the request ($input params,
// $context, $stageVariables), built from the RequestContext only when a template runs.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "gateway/request_context.h"
#include "vtl/template_engine.h"

namespace portico::gateway {

/// The $context object: requestId, apiId, stage, resourceId, resourcePath, httpMethod, path,
/// protocol, requestTime, requestTimeEpoch, identity.{sourceIp,userAgent}, domainName, accountId...
boost::json::object buildTemplateContext(const RequestContext& ctx);

/// $context.requestTime: the request's time in CLF form, UTC ("03/Dec/2026:14:00:00 +0000").
std::string requestTimeText(std::chrono::system_clock::time_point at);
/// The same, appended to `out` (no allocation of its own).
void appendRequestTime(std::chrono::system_clock::time_point at, std::string& out);

/// The response template for a client's Accept header: the first accepted type's, else
/// application/json's, else the first; end() when there are none. (Integration responses and
/// gateway responses choose alike.)
TemplateMap::const_iterator selectResponseTemplate(const TemplateMap& templates, std::string_view accept);

/// A TemplateInput over ctx with `body` as $input.body; `context` must outlive the render.
vtl::TemplateInput templateInput(const RequestContext& ctx, std::string_view body, const boost::json::object& context);

/// A failed render as the stage's answer: AWS's 500 (API_CONFIGURATION_ERROR), marked
/// timeSliceSpent when the render only ran out of ctx.renderTimeSlice.
GatewayError renderFailure(const ApiError& error);

}  // namespace portico::gateway
