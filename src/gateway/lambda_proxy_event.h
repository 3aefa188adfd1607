// The Lambda proxy integration's wire formats (payload format 1.0): the event API
// Gateway sends a function, and the response it expects back.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "gateway/request_context.h"

namespace portico::gateway {

/// The proxy event for a routed request: resource, path, httpMethod, headers, multiValueHeaders,
/// queryStringParameters, multiValueQueryStringParameters, pathParameters, stageVariables,
/// requestContext, body, isBase64Encoded (true, and the body base64, when its Content-Type is one
/// of the API's binaryMediaTypes).
std::string buildProxyEvent(const RequestContext& ctx);

struct ProxyResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
};

/// Parses a function's proxy response. nullopt when malformed (not an object, an unknown key, a
/// statusCode that is not an integer 100..599, headers not strings, multiValueHeaders not lists,
/// a body that is not a string, undecodable base64), which API Gateway answers with 502.
/// A base64 body (isBase64Encoded) is decoded only when decodeBinary (the client's first Accept
/// type is binary); otherwise the base64 text is the body.
std::optional<ProxyResponse> parseProxyResponse(std::string_view payload, bool decodeBinary);

}  // namespace portico::gateway
