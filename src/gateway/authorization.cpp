#include "gateway/authorization.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "auth/jwt.h"
#include "common/json_util.h"
#include "gateway/integration_request.h"
#include "gateway/lambda_authorizer.h"
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
  for (const auto& [k, v] : result.context) ctx.authorizer[k] = authorizerValueText(v);
  ctx.usageIdentifierKey = result.usageIdentifierKey;
  return std::nullopt;
}

std::string Authorization::stageCachePrefix(std::string_view apiId, std::string_view stage) {
  std::string prefix(apiId);
  prefix += '/';
  prefix += stage;
  prefix += '\n';
  return prefix;
}

void Authorization::flushStage(std::string_view apiId, std::string_view stage) const {
  cache_.forget(stageCachePrefix(apiId, stage));
}

boost::asio::awaitable<StageResult> Authorization::lambda(RequestContext& ctx,
                                                          const CompiledAuthorizer& authorizer) const {
  auto identity =
      authorizerIdentity(authorizer, [&ctx](std::string_view source) { return requestSourceValue(ctx, source); });
  if (identityRefusal(authorizer, identity)) co_return kUnauthorized;
  const std::string cacheKey = stageCachePrefix(ctx.stage->apiId, ctx.stage->stageName) + identity.cacheKey;
  if (auto cached = cache_.find(cacheKey)) {
    auto verdict = apply(ctx, *cached);
    if (!verdict) ctx.authorizer["integrationLatency"] = 0;  // as AWS reports a cached result
    co_return verdict;
  }

  auto function = functionFromUri(expandUri(authorizer.functionUri, ctx.stage->stageVariables));
  if (!function) co_return kConfigError;
  bj::object event = authorizer.type == "TOKEN"
                         ? tokenEvent(identity.token, methodArn(ctx))
                         : requestEvent(bj::parse(buildProxyEvent(ctx)).as_object(), methodArn(ctx));
  functions::InvokeRequest request;
  request.function = *function;
  request.payload = bj::serialize(event);
  AuthorizerVerdict answered = co_await invokeAuthorizer(invoker_, std::move(request));
  if (answered.outcome == AuthorizerOutcome::kUnauthorized) co_return kUnauthorized;
  if (answered.outcome == AuthorizerOutcome::kConfigError) {
    spdlog::info("request {}: authorizer {} {}", ctx.requestId, authorizer.name, answered.reason);
    co_return kConfigError;
  }
  cache_.put(cacheKey, answered.answer, std::chrono::seconds(authorizer.ttlSeconds));
  auto verdict = apply(ctx, *answered.answer);
  if (!verdict) ctx.authorizer["integrationLatency"] = answered.latency.count();
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
      for (const auto& [k, v] : *claims) stringClaims[k] = authorizerValueText(v);
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
