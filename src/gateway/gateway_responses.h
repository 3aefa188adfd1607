// Gateway responses: the errors API Gateway itself answers. Each response type has a
// default status, x-amzn-ErrorType and body; an API may customise a type (status,
// gatewayresponse.header.X mappings, templates), and DEFAULT_4XX / DEFAULT_5XX
// customisations apply to every 4XX / 5XX type not customised itself. Customisations
// are part of a deployment (compiled into the stage snapshot).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
#pragma once
#include <span>
#include <string_view>

#include "gateway/request_context.h"
#include "http/handler.h"

namespace portico::gateway {

struct ResponseTypeInfo {
  std::string_view type;       // "MISSING_AUTHENTICATION_TOKEN"
  int status;                  // default status; 0 for DEFAULT_4XX/DEFAULT_5XX (none of their own)
  std::string_view errorType;  // x-amzn-ErrorType, empty for none
};

/// Every response type API Gateway has, in AWS's order.
std::span<const ResponseTypeInfo> responseTypes();
/// The type's defaults, or nullptr for an unknown type.
const ResponseTypeInfo* findResponseType(std::string_view type);
/// The default template every type starts with.
inline constexpr std::string_view kDefaultGatewayTemplate = R"({"message":$context.error.messageString})";

/// The response for a gateway error with AWS's defaults only (no stage known), request-id headers set.
http::Response gatewayErrorResponse(const GatewayError& error, const std::string& requestId,
                                    const std::string& apigwId);

/// The response for a gateway error on a routed stage: the API's customisation of the type (or of
/// DEFAULT_4XX/5XX) applies: status, mapped headers, the template chosen by Accept.
http::Response gatewayErrorResponse(const GatewayError& error, const RequestContext& ctx);

}  // namespace portico::gateway
