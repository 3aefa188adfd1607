// What both Lambda integrations (AWS_PROXY and AWS) share: the function named by
// the integration URI, and one invocation through the in-process Invoker bounded
// by the integration's timeout, with invoke failures turned into gateway errors.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "functions/invoker.h"
#include "gateway/request_context.h"

namespace portico::gateway {

/// The function ARN (with any qualifier) in
/// "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations";
/// nullopt when the URI is not a Lambda invocation URI.
std::optional<std::string> functionFromUri(std::string_view uri);
/// True when an AWS / AWS_PROXY integration URI is on Lambda's invocation path (else it calls
/// another AWS service): the Lambda integrations handle it.
bool namesLambdaFunction(std::string_view uri);

/// Invokes the function of ctx's integration (URI already expanded in ctx.integrationRequest.url)
/// with `payload`. Past timeoutInMillis: INTEGRATION_TIMEOUT 504 (the invocation runs on, as on
/// AWS). An invoke error (function missing, throttled, ...) is 500 when access is denied, else 502.
boost::asio::awaitable<Result<functions::InvokeResult, GatewayError>> invokeFunction(functions::Invoker& invoker,
                                                                                     RequestContext& ctx,
                                                                                     std::string payload);

}  // namespace portico::gateway
