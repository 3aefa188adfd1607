// Authorization (the first check of the Method Request stage), by the method's
// authorizationType: CUSTOM runs a Lambda authorizer (TOKEN or REQUEST) through the
// in-process Invoker and evaluates the IAM policy it returns against the method ARN,
// caching results per identity for the authorizer's TTL; COGNITO_USER_POOLS verifies a
// JWT against the pool's JWKS (a file the operator provides: <jwks dir>/<pool id>.json);
// AWS_IAM verifies a SigV4 signature (service execute-api) against Portico's credentials.
// Outcomes become $context.authorizer.* / $context.identity.* or a gateway error:
// 401 Unauthorized, 403 explicit/implicit deny, 500 authorizer configuration error.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
#pragma once
#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authorizer_cache.h"
#include "auth/sigv4_verifier.h"
#include "auth/user_pool_keys.h"
#include "common/clock.h"
#include "common/result.h"
#include "functions/invoker.h"
#include "gateway/request_context.h"

namespace portico::gateway {

struct AuthorizationOptions {
  std::string region = "us-east-1";
  std::string accountId = "000000000000";
  std::filesystem::path jwksDir;        // Cognito user pools: <pool id>.json (auth/user_pool_keys.h)
  auth::UserPoolKeys::Fetch fetchJwks;  // starts a GET of a pool's jwksUrl (asynchronous)
};

class Authorization {
 public:
  /// All borrowed; they must outlive the stage.
  Authorization(functions::Invoker& invoker, const auth::CredentialSource& credentials, const Clock& clock,
                AuthorizationOptions options)
      : invoker_(invoker),
        credentials_(credentials),
        clock_(clock),
        options_(std::move(options)),
        userPools_(options_.jwksDir, options_.fetchJwks, {}) {}

  boost::asio::awaitable<StageResult> run(RequestContext& ctx) const;
  /// Whether run() has anything to check for this method (AWS_IAM or an authorizer).
  static bool applies(const CompiledMethod& method) {
    return method.authorizer || method.authorizationType == "AWS_IAM";
  }

  /// A Cognito token's claims (as strings) when it verifies against one of the user pools (its
  /// keys and client ids, the pool's issuer; an id token, or an access token holding one of
  /// `scopes` when there are any); else UnauthorizedException with the reasons, for logs. Waits
  /// (asynchronously) only for a pool's first keys. The arguments must outlive the call.
  boost::asio::awaitable<Result<boost::json::object>> cognitoClaims(const std::vector<std::string>& providerArns,
                                                                    std::string_view token,
                                                                    const std::vector<std::string>& scopes) const;

  /// The method ARN a policy is evaluated against (and Lambda authorizers receive).
  std::string methodArn(const RequestContext& ctx) const;

  /// Forgets the stage's cached Lambda authorizer results (FlushStageAuthorizersCache): results
  /// are cached per stage, as on AWS.
  void flushStage(std::string_view apiId, std::string_view stage) const;

 private:
  boost::asio::awaitable<StageResult> lambda(RequestContext& ctx, const CompiledAuthorizer& authorizer) const;
  boost::asio::awaitable<StageResult> cognito(RequestContext& ctx, const CompiledAuthorizer& authorizer) const;
  StageResult iam(RequestContext& ctx) const;
  StageResult apply(RequestContext& ctx, const auth::Authorization& result) const;
  static std::string stageCachePrefix(std::string_view apiId, std::string_view stage);

  functions::Invoker& invoker_;
  const auth::CredentialSource& credentials_;
  const Clock& clock_;
  mutable auth::SigningKeyCache signingKeys_;  // a cache: not part of the stage's state
  AuthorizationOptions options_;
  mutable auth::AuthorizerCache cache_;
  auth::UserPoolKeys userPools_;
};

}  // namespace portico::gateway
