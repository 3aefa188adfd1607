// A function URL's request as the function sees it (the payload format 2.0 event) and the
// function's answer as the HTTP response Lambda makes of it.
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/handler.h"

namespace portico::function_urls {

/// Who signed an AWS_IAM request (requestContext.authorizer.iam).
struct UrlCaller {
  std::string accessKey;
  std::string accountId;
};

/// What the event says besides the request itself.
struct UrlRequestFacts {
  std::string urlId;
  std::string domainName;  // the Host the request came to (without the port)
  std::string rawPath;     // the path within the URL, percent-encoded as sent
  std::string rawQuery;    // without '?'
  std::string sourceIp;
  std::string requestId;
  std::chrono::system_clock::time_point time;
  std::optional<UrlCaller> caller;  // AWS_IAM only
  bool tls = false;
  std::string port;  // the listener's port, for x-forwarded-port
};

/// The event (JSON text). The body is base64 (isBase64Encoded) unless its Content-Type is text.
std::string urlEvent(const http::Request& req, const UrlRequestFacts& facts);

/// The HTTP response for a function's successful answer: an object with "statusCode" gives its
/// status, headers, cookies (Set-Cookie) and body (base64-decoded when isBase64Encoded); any other
/// JSON answer is a 200 application/json body (a JSON string: its text). An answer that cannot be
/// made into a response (a bad statusCode or base64) is nullopt: the caller answers 502.
std::optional<http::Response> urlResponse(std::string_view payload);

/// True when a Content-Type names text (the body is passed as is, not base64).
bool isTextContentType(std::string_view contentType);

}  // namespace portico::function_urls
