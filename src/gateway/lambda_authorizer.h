// LambdaAuthorizer: asking a Lambda authorizer (TOKEN or REQUEST), for the data plane
// (authorization.h) and TestInvokeAuthorizer alike, so the console's Test button and a real
// request can never disagree: the identity the authorizer is asked about, whether it is asked at
// all, its event, and the verdict read from the invocation (its answer, 401 or a configuration
// error). Evaluating the answer's policy against a method is left to the caller.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authorizer_cache.h"
#include "common/result.h"
#include "functions/invoker.h"
#include "gateway/snapshot.h"

namespace portico::gateway {

/// The identity a Lambda authorizer is asked about, from its identity sources.
struct AuthorizerIdentity {
  std::string token;     // the first source that has a value (a TOKEN authorizer's token)
  std::string cacheKey;  // the authorizer's id and every source's value
  bool complete = true;  // every source has a non-empty value
};

/// A mapping source's value ("method.request.header.Authorization", ...), nullopt when it has none.
using SourceLookup = std::function<std::optional<std::string>(std::string_view source)>;

AuthorizerIdentity authorizerIdentity(const CompiledAuthorizer& authorizer, const SourceLookup& sourceValue);

/// Why the authorizer is not asked at all (the caller answers 401), or nullopt: a TOKEN
/// authorizer needs a token that matches its identityValidationExpression; a REQUEST one with
/// caching on (a TTL above 0) needs every identity source.
std::optional<std::string> identityRefusal(const CompiledAuthorizer& authorizer, const AuthorizerIdentity& identity);

/// The TOKEN event: type, authorizationToken, methodArn.
boost::json::object tokenEvent(std::string_view token, std::string_view methodArn);
/// The REQUEST event: the request's proxy event without its body, with type and methodArn.
boost::json::object requestEvent(boost::json::object proxyEvent, std::string_view methodArn);

enum class AuthorizerOutcome { kAnswered, kUnauthorized, kConfigError };

struct AuthorizerVerdict {
  AuthorizerOutcome outcome = AuthorizerOutcome::kConfigError;
  std::shared_ptr<const auth::Authorization> answer;  // kAnswered: principalId, policy, context, usage key
  boost::json::value policyDocument;                  // kAnswered: the policy as the function returned it
  std::string reason;                                 // kConfigError: why, as logs say it
  std::string invokeError;                            // the function could not be invoked: the invoker's error
  std::string logTail;                                // the function's log, when the request asked for it
  std::chrono::milliseconds latency{0};
};

/// Reads an authorizer's invocation: a function error "Unauthorized" is 401; any other function
/// error, an invoke error or an answer without principalId and a valid policyDocument (or with a
/// context value that is an object or a list) is a configuration error; else the answer.
AuthorizerVerdict readAuthorizerResult(const Result<functions::InvokeResult>& invoked);

/// Invokes the authorizer's function (request.function, request.payload: the event) and reads the
/// result, timed.
boost::asio::awaitable<AuthorizerVerdict> invokeAuthorizer(functions::Invoker& invoker,
                                                           functions::InvokeRequest request);

/// An authorizer context value (or a claim) as $context.authorizer.X shows it: a string as it is,
/// anything else as JSON.
std::string authorizerValueText(const boost::json::value& value);

}  // namespace portico::gateway
