#include "gateway/lambda_authorizer.h"

#include <boost/json.hpp>

#include "common/json_util.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

/// The authorizer's answer: principalId, policyDocument, optional context and usageIdentifierKey.
Result<std::shared_ptr<const auth::Authorization>> parseAnswer(const bj::object& answer) {
  auto* policy = answer.if_contains("policyDocument");
  auto principal = json::str(answer, "principalId");
  if (!policy || !principal) return ApiError::internal("authorizer response lacks principalId or policyDocument");
  auto parsed = auth::IamPolicy::parse(*policy);
  if (!parsed) return parsed.takeError();
  auto out = std::make_shared<auth::Authorization>(auth::Authorization{std::move(parsed).value(), *principal, {}, {}});
  if (auto* context = json::obj(answer, "context")) {
    for (const auto& [k, v] : *context) {
      if (v.is_object() || v.is_array()) return ApiError::internal("authorizer context values must be scalars");
      out->context[k] = v;
    }
  }
  if (auto key = json::str(answer, "usageIdentifierKey")) out->usageIdentifierKey = *key;
  return std::shared_ptr<const auth::Authorization>(std::move(out));
}

}  // namespace

AuthorizerIdentity authorizerIdentity(const CompiledAuthorizer& authorizer, const SourceLookup& sourceValue) {
  AuthorizerIdentity out;
  out.cacheKey = authorizer.id;
  for (const auto& source : authorizer.identitySource) {
    auto value = sourceValue(source);
    if (!value || value->empty()) out.complete = false;
    out.cacheKey += '\n' + value.value_or("");
    if (out.token.empty() && value) out.token = *value;
  }
  return out;
}

std::optional<std::string> identityRefusal(const CompiledAuthorizer& authorizer, const AuthorizerIdentity& identity) {
  if (authorizer.type == "TOKEN") {
    if (identity.token.empty()) return "the identity source is missing";
    if (authorizer.validation && !re2::RE2::FullMatch(identity.token, *authorizer.validation)) {
      return "the token does not match the identity validation expression";
    }
  } else if (!identity.complete && authorizer.ttlSeconds > 0) {
    return "an identity source is missing";  // with caching on, every identity source is required
  }
  return std::nullopt;
}

bj::object tokenEvent(std::string_view token, std::string_view methodArn) {
  return bj::object{{"type", "TOKEN"}, {"authorizationToken", token}, {"methodArn", methodArn}};
}

bj::object requestEvent(bj::object proxyEvent, std::string_view methodArn) {
  proxyEvent.erase("body");
  proxyEvent.erase("isBase64Encoded");
  proxyEvent["type"] = "REQUEST";
  proxyEvent["methodArn"] = methodArn;
  return proxyEvent;
}

AuthorizerVerdict readAuthorizerResult(const Result<functions::InvokeResult>& invoked) {
  AuthorizerVerdict out;
  if (!invoked) {
    out.invokeError = invoked.error().message;
    out.reason = "could not be invoked: " + out.invokeError;
    return out;
  }
  out.logTail = invoked->logTail;
  if (!invoked->functionError.empty()) {
    auto error = json::parseObject(invoked->payload);
    if (error && json::strOr(*error, "errorMessage", "") == "Unauthorized") {
      out.outcome = AuthorizerOutcome::kUnauthorized;
    } else {
      out.reason = "failed: " + invoked->payload;
    }
    return out;
  }
  auto answer = json::parseObject(invoked->payload);
  if (!answer) {
    out.reason = "answered badly: authorizer response is not a JSON object";
    return out;
  }
  auto parsed = parseAnswer(*answer);
  if (!parsed) {
    out.reason = "answered badly: " + parsed.error().message;
    return out;
  }
  out.outcome = AuthorizerOutcome::kAnswered;
  out.answer = std::move(parsed).value();
  out.policyDocument = answer->at("policyDocument");
  return out;
}

boost::asio::awaitable<AuthorizerVerdict> invokeAuthorizer(functions::Invoker& invoker,
                                                           functions::InvokeRequest request) {
  auto started = std::chrono::steady_clock::now();
  auto invoked = co_await invoker.invoke(std::move(request));
  auto latency = std::chrono::steady_clock::now() - started;
  AuthorizerVerdict verdict = readAuthorizerResult(invoked);
  verdict.latency = std::chrono::duration_cast<std::chrono::milliseconds>(latency);
  co_return verdict;
}

std::string authorizerValueText(const bj::value& value) {
  return value.is_string() ? std::string(value.get_string()) : bj::serialize(value);
}

}  // namespace portico::gateway
