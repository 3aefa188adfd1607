#include "gateway/authorization.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "auth/jwt.h"
#include "common/json_util.h"
#include "gateway/integration_request.h"
#include "gateway/lambda_invocation.h"
#include "gateway/lambda_proxy_event.h"
#include "gateway/parameter_mapping.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

const GatewayError kUnauthorized{"UNAUTHORIZED", "Unauthorized"};
const GatewayError kConfigError{"AUTHORIZER_CONFIGURATION_ERROR", ""};
const GatewayError kExplicitDeny{"ACCESS_DENIED",
                                 "User is not authorized to access this resource with an explicit deny"};
const GatewayError kImplicitDeny{"ACCESS_DENIED", "User is not authorized to access this resource"};

std::string stringify(const bj::value& v) {
  return v.is_string() ? std::string(v.get_string()) : bj::serialize(v);
}

/// The authorizer's answer: principalId, policyDocument, optional context and usageIdentifierKey.
Result<std::shared_ptr<const auth::Authorization>> parseAnswer(std::string_view payload) {
  auto answer = json::parseObject(payload);
  if (!answer) return ApiError::internal("authorizer response is not a JSON object");
  auto* policy = answer->if_contains("policyDocument");
  auto principal = json::str(*answer, "principalId");
  if (!policy || !principal) return ApiError::internal("authorizer response lacks principalId or policyDocument");
  auto parsed = auth::IamPolicy::parse(*policy);
  if (!parsed) return parsed.takeError();
  auto out = std::make_shared<auth::Authorization>(auth::Authorization{std::move(parsed).value(), *principal, {}, {}});
  if (auto* context = json::obj(*answer, "context")) {
    for (const auto& [k, v] : *context) {
      if (v.is_object() || v.is_array()) return ApiError::internal("authorizer context values must be scalars");
      out->context[k] = v;
    }
  }
  if (auto key = json::str(*answer, "usageIdentifierKey")) out->usageIdentifierKey = *key;
  return std::shared_ptr<const auth::Authorization>(std::move(out));
}

}  // namespace

std::string Authorization::methodArn(const RequestContext& ctx) const {
  return auth::methodArn({options_.region, options_.accountId, ctx.stage->apiId, ctx.stage->stageName,
                          ctx.request.method_string(), ctx.path.empty() ? "/" : ctx.path});
}

boost::asio::awaitable<StageResult> Authorization::run(RequestContext& ctx) const {
  const CompiledMethod& method = *ctx.match.method;
  if (method.authorizationType == "AWS_IAM") co_return iam(ctx);
  if (!method.authorizer) co_return std::nullopt;
  if (method.authorizer->type == "COGNITO_USER_POOLS") {
    StageResult verdict = co_await cognito(ctx, *method.authorizer);
    co_return verdict;
  }
  co_return co_await lambda(ctx, *method.authorizer);
}

StageResult Authorization::apply(RequestContext& ctx, const auth::Authorization& result) const {
  switch (result.policy.evaluate(methodArn(ctx))) {
    case auth::PolicyDecision::kExplicitDeny:
      return kExplicitDeny;
    case auth::PolicyDecision::kImplicitDeny:
      return kImplicitDeny;
    case auth::PolicyDecision::kAllow:
      break;
  }
  ctx.authorizer["principalId"] = result.principalId;
  for (const auto& [k, v] : result.context) ctx.authorizer[k] = stringify(v);
  ctx.usageIdentifierKey = result.usageIdentifierKey;
  return std::nullopt;
}

boost::asio::awaitable<StageResult> Authorization::lambda(RequestContext& ctx,
                                                          const CompiledAuthorizer& authorizer) const {
  // The identity: the token (TOKEN) or every identity source (REQUEST).
  std::string cacheKey = authorizer.id;
  std::string token;
  bool complete = true;
  for (const auto& source : authorizer.identitySource) {
    auto value = requestSourceValue(ctx, source);
    if (!value || value->empty()) complete = false;
    cacheKey += '\n' + value.value_or("");
    if (token.empty() && value) token = *value;
  }
  if (authorizer.type == "TOKEN") {
    if (token.empty()) co_return kUnauthorized;
    if (authorizer.validation && !re2::RE2::FullMatch(token, *authorizer.validation)) co_return kUnauthorized;
  } else if (!complete && authorizer.ttlSeconds > 0) {
    co_return kUnauthorized;  // with caching on, every identity source is required
  }
  if (auto cached = cache_.find(cacheKey)) {
    auto verdict = apply(ctx, *cached);
    if (!verdict) ctx.authorizer["integrationLatency"] = 0;  // as AWS reports a cached result
    co_return verdict;
  }

  auto function = functionFromUri(expandUri(authorizer.functionUri, ctx.stage->stageVariables));
  if (!function) co_return kConfigError;
  bj::object event;
  if (authorizer.type == "TOKEN") {
    event = bj::object{{"type", "TOKEN"}, {"authorizationToken", token}, {"methodArn", methodArn(ctx)}};
  } else {
    event = bj::parse(buildProxyEvent(ctx)).as_object();
    event.erase("body");
    event.erase("isBase64Encoded");
    event["type"] = "REQUEST";
    event["methodArn"] = methodArn(ctx);
  }
  functions::InvokeRequest request;
  request.function = *function;
  request.payload = bj::serialize(event);
  auto started = std::chrono::steady_clock::now();
  auto invoked = co_await invoker_.invoke(std::move(request));
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (!invoked) {
    spdlog::info("request {}: authorizer {} could not be invoked: {}", ctx.requestId, authorizer.name,
                 invoked.error().message);
    co_return kConfigError;
  }
  if (!invoked->functionError.empty()) {
    auto error = json::parseObject(invoked->payload);
    if (error && json::strOr(*error, "errorMessage", "") == "Unauthorized") co_return kUnauthorized;
    spdlog::info("request {}: authorizer {} failed: {}", ctx.requestId, authorizer.name, invoked->payload);
    co_return kConfigError;
  }
  auto answer = parseAnswer(invoked->payload);
  if (!answer) {
    spdlog::info("request {}: authorizer {} answered badly: {}", ctx.requestId, authorizer.name,
                 answer.error().message);
    co_return kConfigError;
  }
  cache_.put(cacheKey, *answer, std::chrono::seconds(authorizer.ttlSeconds));
  auto verdict = apply(ctx, **answer);
  if (!verdict) ctx.authorizer["integrationLatency"] = latency.count();
  co_return verdict;
}

boost::asio::awaitable<Result<bj::object>> Authorization::cognitoClaims(const std::vector<std::string>& providerArns,
                                                                        std::string_view token,
                                                                        const std::vector<std::string>& scopes) const {
  std::string reasons;
  for (const auto& arn : providerArns) {
    // arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}
    auto slash = arn.rfind("userpool/");
    if (slash == std::string::npos) continue;
    std::string poolId = arn.substr(slash + 9);
    std::string region = poolId.substr(0, poolId.find('_'));
    const auto now = std::chrono::steady_clock::now();
    std::shared_ptr<const auth::UserPool> pool = co_await userPools_.pool(poolId, now);
    if (!pool) {
      reasons += (reasons.empty() ? "" : "; ") + poolId + ": no usable keys";
      continue;
    }
    auth::JwtRequirements requirements;
    requirements.issuer = "https://cognito-idp." + region + ".amazonaws.com/" + poolId;
    requirements.clientIds = pool->clientIds;
    requirements.tokenUses = {scopes.empty() ? "id" : "access"};
    requirements.scopes = scopes;
    auto claims = auth::verifyJwt(token, *pool->keys, requirements, clock_.now());
    if (claims) {
      bj::object stringClaims;
      for (const auto& [k, v] : *claims) stringClaims[k] = stringify(v);
      co_return stringClaims;
    }
    reasons += (reasons.empty() ? "" : "; ") + poolId + ": " + claims.error().message;
  }
  co_return ApiError{"UnauthorizedException", 401, reasons.empty() ? "no user pool" : reasons};
}

boost::asio::awaitable<StageResult> Authorization::cognito(RequestContext& ctx,
                                                           const CompiledAuthorizer& authorizer) const {
  std::string token;
  if (!authorizer.identitySource.empty()) token = requestSourceValue(ctx, authorizer.identitySource[0]).value_or("");
  if (token.empty()) co_return kUnauthorized;
  const std::string_view tokenView = token;
  Result<bj::object> claims =
      co_await cognitoClaims(authorizer.providerArns, tokenView, ctx.match.method->authorizationScopes);
  if (!claims) {
    spdlog::info("request {}: token refused: {}", ctx.requestId, claims.error().message);
    co_return kUnauthorized;
  }
  ctx.authorizer["claims"] = std::move(claims).value();
  co_return std::nullopt;
}

StageResult Authorization::iam(RequestContext& ctx) const {
  auth::SigV4Request req;
  req.method = ctx.request.method_string();
  req.target = ctx.request.target();
  for (const auto& field : ctx.request) req.headers.emplace_back(field.name_string(), field.value());
  req.body = ctx.request.body();
  req.service = "execute-api";
  req.region = options_.region;
  auto identity = auth::verifySigV4(req, credentials_, clock_, &signingKeys_);
  if (!identity) {
    const ApiError& e = identity.error();
    if (e.type == "MissingAuthenticationTokenException") {
      return GatewayError{"MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token"};
    }
    return GatewayError{e.type == "UnrecognizedClientException" ? "ACCESS_DENIED" : "INVALID_SIGNATURE", e.message};
  }
  if (identity->service != "execute-api") {
    return GatewayError{"INVALID_SIGNATURE", "Credential should be scoped to correct service: 'execute-api'. "};
  }
  ctx.identity["accessKey"] = identity->accessKeyId;
  ctx.identity["caller"] = identity->accessKeyId;
  ctx.identity["user"] = identity->accessKeyId;
  ctx.identity["accountId"] = options_.accountId;
  ctx.identity["userArn"] = "arn:aws:iam::" + options_.accountId + ":user/" + identity->accessKeyId;
  return std::nullopt;
}

}  // namespace portico::gateway
