#include "gateway/gateway_responses.h"

#include <boost/json.hpp>
#include <string_view>

#include "gateway/binary_media.h"
#include "gateway/parameter_mapping.h"
#include "gateway/template_context.h"
#include "http/error_responses.h"

namespace portico::gateway {
namespace {

// Defaults per https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
constexpr ResponseTypeInfo kTypes[] = {
    {"ACCESS_DENIED", 403, "AccessDeniedException"},
    {"API_CONFIGURATION_ERROR", 500, "InternalServerErrorException"},
    {"AUTHORIZER_CONFIGURATION_ERROR", 500, "InternalServerErrorException"},
    {"AUTHORIZER_FAILURE", 500, "AuthorizerFailureException"},
    {"BAD_REQUEST_PARAMETERS", 400, "BadRequestException"},
    {"BAD_REQUEST_BODY", 400, "BadRequestException"},
    {"DEFAULT_4XX", 0, ""},
    {"DEFAULT_5XX", 0, "InternalServerErrorException"},
    {"EXPIRED_TOKEN", 403, "ExpiredTokenException"},
    {"INTEGRATION_FAILURE", 504, "InternalServerErrorException"},
    {"INTEGRATION_TIMEOUT", 504, "InternalServerErrorException"},
    {"INVALID_API_KEY", 403, "ForbiddenException"},
    {"INVALID_SIGNATURE", 403, "InvalidSignatureException"},
    {"MISSING_AUTHENTICATION_TOKEN", 403, "MissingAuthenticationTokenException"},
    {"QUOTA_EXCEEDED", 429, "LimitExceededException"},
    {"REQUEST_TOO_LARGE", 413, "RequestTooLargeException"},
    {"RESOURCE_NOT_FOUND", 404, "ResourceNotFoundException"},
    {"THROTTLED", 429, "TooManyRequestsException"},
    {"UNAUTHORIZED", 401, "UnauthorizedException"},
    {"UNSUPPORTED_MEDIA_TYPE", 415, "UnsupportedMediaTypeException"},
    {"WAF_FILTERED", 403, "WAFFilteredException"},
};

constexpr ResponseTypeInfo kUnknown{"DEFAULT_5XX", 500, "InternalServerErrorException"};

int statusOf(const GatewayError& error, const ResponseTypeInfo& info) {
  if (error.status) return error.status;
  return info.status ? info.status : 500;
}

/// The default body: {"message": "..."}; ACCESS_DENIED says "Message" (AWS's spelling there),
/// AUTHORIZER_CONFIGURATION_ERROR has a null message.
std::string defaultBody(const GatewayError& error) {
  boost::json::object body;
  if (error.responseType == "AUTHORIZER_CONFIGURATION_ERROR") {
    body["message"] = nullptr;
  } else {
    body[error.responseType == "ACCESS_DENIED" ? "Message" : "message"] = error.message;
  }
  return boost::json::serialize(body);
}

http::Response baseResponse(int status, const std::string& requestId, const std::string& apigwId,
                            const ResponseTypeInfo& info) {
  http::Response res{static_cast<boost::beast::http::status>(status), 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.set("x-amzn-RequestId", requestId);
  res.set("x-amz-apigw-id", apigwId);
  if (!info.errorType.empty()) res.set("x-amzn-ErrorType", info.errorType);
  return res;
}

/// The template for the first Accept type, then application/json, then the first one.
}  // namespace

std::span<const ResponseTypeInfo> responseTypes() {
  return kTypes;
}

const ResponseTypeInfo* findResponseType(std::string_view type) {
  for (const auto& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

http::Response gatewayErrorResponse(const GatewayError& error, const std::string& requestId,
                                    const std::string& apigwId) {
  const ResponseTypeInfo* info = findResponseType(error.responseType);
  if (!info) info = &kUnknown;
  auto res = baseResponse(statusOf(error, *info), requestId, apigwId, *info);
  res.body() = defaultBody(error);
  http::preparePayload(res);
  return res;
}

http::Response gatewayErrorResponse(const GatewayError& error, const RequestContext& ctx) {
  const ResponseTypeInfo* info = findResponseType(error.responseType);
  if (!info) info = &kUnknown;
  int status = statusOf(error, *info);
  const auto& custom = ctx.stage->gatewayResponses;
  const CompiledGatewayResponse* exact = nullptr;
  const CompiledGatewayResponse* chosen = nullptr;
  if (auto it = custom.find(error.responseType); it != custom.end()) exact = chosen = &it->second;
  if (!chosen && error.responseType != "REQUEST_TOO_LARGE") {
    auto it = custom.find(status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
    if (it != custom.end()) chosen = &it->second;
  }
  if (!chosen) return gatewayErrorResponse(error, ctx.requestId, ctx.apigwId);

  if (exact && exact->status) status = exact->status;
  auto res = baseResponse(status, ctx.requestId, ctx.apigwId, *info);
  for (const auto& [name, source] : chosen->headers) {
    if (auto value = requestSourceValue(ctx, source)) res.set(name, *value);
  }
  auto tmpl = selectResponseTemplate(chosen->templates, ctx.request[boost::beast::http::field::accept]);
  if (tmpl == chosen->templates.end()) {
    res.body() = defaultBody(error);
  } else {
    auto context = buildTemplateContext(ctx);
    boost::json::object errorObject{{"message", error.message},
                                    {"messageString", boost::json::serialize(boost::json::value(error.message))},
                                    {"responseType", error.responseType},
                                    {"validationErrorString", error.validationError}};
    context["error"] = std::move(errorObject);
    auto rendered = tmpl->second->render(templateInput(ctx, "", context));
    res.body() = rendered ? std::move(rendered).value() : defaultBody(error);
    res.set(boost::beast::http::field::content_type, tmpl->first);
  }
  http::preparePayload(res);
  return res;
}

}  // namespace portico::gateway
