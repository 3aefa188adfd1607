#include "gateway/gateway_responses.h"

#include <boost/json.hpp>
#include <string_view>

namespace portico::gateway {
namespace {

struct ResponseTypeDefault {
  std::string_view type;
  int status;
  std::string_view errorType;  // x-amzn-ErrorType, empty for none
};

// Defaults per https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
constexpr ResponseTypeDefault kDefaults[] = {
    {"MISSING_AUTHENTICATION_TOKEN", 403, "MissingAuthenticationTokenException"},
    {"ACCESS_DENIED", 403, "AccessDeniedException"},
    {"INVALID_API_KEY", 403, "ForbiddenException"},
    {"UNAUTHORIZED", 401, "UnauthorizedException"},
    {"THROTTLED", 429, "TooManyRequestsException"},
    {"QUOTA_EXCEEDED", 429, "LimitExceededException"},
    {"BAD_REQUEST_PARAMETERS", 400, "BadRequestException"},
    {"BAD_REQUEST_BODY", 400, "BadRequestException"},
    {"UNSUPPORTED_MEDIA_TYPE", 415, "UnsupportedMediaTypeException"},
    {"REQUEST_TOO_LARGE", 413, "RequestTooLargeException"},
    {"RESOURCE_NOT_FOUND", 404, "ResourceNotFoundException"},
    {"API_CONFIGURATION_ERROR", 500, "InternalServerErrorException"},
    {"AUTHORIZER_FAILURE", 500, "AuthorizerFailureException"},
    {"INTEGRATION_FAILURE", 504, "InternalServerErrorException"},
    {"INTEGRATION_TIMEOUT", 504, "InternalServerErrorException"},
    {"DEFAULT_4XX", 400, ""},
    {"DEFAULT_5XX", 500, "InternalServerErrorException"},
};

const ResponseTypeDefault& lookup(std::string_view type) {
  for (const auto& d : kDefaults) {
    if (d.type == type) return d;
  }
  return kDefaults[std::size(kDefaults) - 1];
}

}  // namespace

http::Response gatewayErrorResponse(const GatewayError& error, const std::string& requestId,
                                    const std::string& apigwId) {
  const auto& d = lookup(error.responseType);
  boost::json::object body;
  body["message"] = error.message;
  http::Response res{static_cast<boost::beast::http::status>(error.status ? error.status : d.status), 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.set("x-amzn-RequestId", requestId);
  res.set("x-amz-apigw-id", apigwId);
  if (!d.errorType.empty()) res.set("x-amzn-ErrorType", d.errorType);
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

}  // namespace portico::gateway
