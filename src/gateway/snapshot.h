// Snapshot: a deployed stage compiled into an immutable structure for the hot path.
//
// Built by snapshot_compiler from a deployment's stored JSON plus the stage; held
// by shared_ptr<const StageSnapshot> and never changed after construction, so
// requests read it without locks (see stage_registry.h for the swap).
#pragma once
#include <re2/re2.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/json_schema.h"
#include "gateway/token_bucket.h"
#include "vtl/template_engine.h"

namespace portico::metrics {
class MetricSeries;  // metrics/metric_series.h
}

namespace portico::gateway {

using TemplateMap = std::map<std::string, std::shared_ptr<const vtl::CompiledTemplate>>;  // by content type

struct CompiledIntegrationResponse {
  std::string statusCode;
  std::string selectionPattern;                           // empty = the default response
  std::shared_ptr<const re2::RE2> pattern;                // compiled selectionPattern (null for the default)
  std::map<std::string, std::string> responseParameters;  // method.response.header.X → source
  TemplateMap responseTemplates;
  std::string contentHandling;
};

enum class IntegrationType { kMock, kHttp, kHttpProxy, kAws, kAwsProxy };

struct CompiledIntegration {
  IntegrationType type = IntegrationType::kMock;
  std::string httpMethod;  // integrationHttpMethod ("ANY" = the client's method)
  std::string uri;
  bool lambdaFunction = false;  // AWS / AWS_PROXY: the URI invokes a Lambda function (else another AWS service)
  std::string credentials;      // role ARN, "arn:aws:iam::*:user/*" (the caller's), or "" (none given)
  std::map<std::string, std::string> requestParameters;  // integration.request.* → source
  TemplateMap requestTemplates;
  std::string passthroughBehavior = "WHEN_NO_MATCH";
  std::string contentHandling;
  int timeoutMs = 29000;
  bool streamResponse = false;                                   // responseTransferMode STREAM (HTTP_PROXY, AWS_PROXY)
  std::vector<CompiledIntegrationResponse> responses;            // those with patterns first, in key order
  const CompiledIntegrationResponse* defaultResponse = nullptr;  // points into responses
};

struct CompiledMethodResponse {
  std::map<std::string, bool> responseParameters;
};

/// A deployed authorizer (TOKEN / REQUEST Lambda, or COGNITO_USER_POOLS).
struct CompiledAuthorizer {
  std::string id;
  std::string name;
  std::string type;                            // TOKEN | REQUEST | COGNITO_USER_POOLS
  std::string functionUri;                     // Lambda invocation URI (TOKEN, REQUEST)
  std::vector<std::string> identitySource;     // "method.request.header.Authorization", "stageVariables.x", ...
  std::shared_ptr<const re2::RE2> validation;  // identityValidationExpression (TOKEN), may be null
  int ttlSeconds = 300;
  std::vector<std::string> providerArns;  // Cognito user pools
};

enum class CacheControlStrategy { kFailWith403, kSucceedWithHeader, kSucceedWithoutHeader };

/// A method whose responses the stage cache keeps (the stage's cache is on and the method's
/// caching/enabled, which "*/*" gives GET methods only): response_caching.h.
struct MethodCaching {
  std::chrono::seconds ttl{300};
  bool requireAuthorization = true;  // requireAuthorizationForCacheControl
  CacheControlStrategy unauthorized = CacheControlStrategy::kSucceedWithHeader;
  bool dataEncrypted = false;              // stored; entries never leave this process's memory
  std::string cacheNamespace;              // the integration's cacheNamespace, else the resource id
  std::vector<std::string> keyParameters;  // the integration's cacheKeyParameters
};

/// A method's execution logging (its loggingLevel method setting).
enum class MethodLogLevel { kOff, kError, kInfo };

struct CompiledMethod {
  std::string httpMethod;
  std::string resourceId;
  std::string resourcePath;  // e.g. "/pets/{petId}"
  std::string authorizationType = "NONE";
  const CompiledAuthorizer* authorizer = nullptr;  // CUSTOM / COGNITO_USER_POOLS (points into the stage)
  std::vector<std::string> authorizationScopes;
  bool apiKeyRequired = false;
  std::map<std::string, bool> requestParameters;  // method.request.{querystring,header,path,...}.X → required
  bool validateParameters = false;                // from the method's request validator
  bool validateBody = false;
  std::map<std::string, std::shared_ptr<const JsonSchema>> bodyModels;  // by content type ("$default" too)
  std::map<std::string, CompiledMethodResponse> methodResponses;        // by status code
  std::shared_ptr<const TokenBucket> throttle;     // the stage's method settings for this method (or */*), if set
  std::shared_ptr<const MethodCaching> caching;    // null: its responses are not cached
  MethodLogLevel logLevel = MethodLogLevel::kOff;  // execution logs to the stage's log group
  bool dataTrace = false;                          // ... with the request's and response's data
  bool detailedMetrics = false;                    // metricsEnabled: CloudWatch's per-method dimensions
  /// Its requests' counts and latencies (API, stage, resource, method), bound at deploy time.
  std::shared_ptr<metrics::MetricSeries> metrics;
  std::unique_ptr<CompiledIntegration> integration;  // null if none was put
};

/// One node of the routing tree: a resource and its children by kind.
struct RouteNode {
  std::string resourceId;
  std::string resourcePath;
  std::unordered_map<std::string, std::unique_ptr<RouteNode>> literals;
  std::unique_ptr<RouteNode> variable;  // {name}
  std::string variableName;
  std::unique_ptr<RouteNode> greedy;  // {name+}
  std::string greedyName;
  std::unordered_map<std::string, std::unique_ptr<CompiledMethod>> methods;  // verb or "ANY"
};

/// An API's customisation of one gateway response type.
struct CompiledGatewayResponse {
  int status = 0;                              // 0: the type's default
  std::map<std::string, std::string> headers;  // header name → source ('static', method.request.*, ...)
  TemplateMap templates;
};

class AccessLogFormat;  // access_log.h
class ResponseCache;    // response_cache.h

struct StageSnapshot {
  std::string apiId;
  std::string apiName;
  std::string stageName;
  std::string deploymentId;
  std::map<std::string, std::string> stageVariables;
  std::vector<std::string> binaryMediaTypes;
  std::string apiKeySource = "HEADER";                              // or AUTHORIZER (usageIdentifierKey)
  std::map<std::string, CompiledGatewayResponse> gatewayResponses;  // by response type
  std::map<std::string, CompiledAuthorizer> authorizers;            // by id
  RouteNode root;
  bool executeApiDisabled = false;  // disableExecuteApiEndpoint when deployed: custom domains only
  /// The stage's clientCertificateId and what HTTP integrations present with it to https backends
  /// ("" when the stage has none).
  std::string clientCertificateId;
  std::string clientCertificatePem;
  std::string clientKeyPem;
  /// A canary release: the stage's canary deployment (its stage variables overlaid with the
  /// canary's overrides), which canaryPercent % of the stage's requests get; isCanary on it.
  std::shared_ptr<const StageSnapshot> canary;
  double canaryPercent = 0;
  bool isCanary = false;
  /// accessLogSettings.format compiled, when the stage logs its requests.
  std::shared_ptr<const AccessLogFormat> accessLog;
  /// The stage cache (cacheClusterEnabled), held by stage_caches.h across deploys; null when off.
  /// A canary that does not share it (useStageCache false) keys its entries apart.
  std::shared_ptr<ResponseCache> cache;
  std::string cacheKeyPrefix;
  /// The CloudWatch Logs groups the stage writes (log_groups.h): its access log's
  /// (accessLogSettings.destinationArn; "" for none) and its execution logs'
  /// (API-Gateway-Execution-Logs_{apiId}/{stage}); a canary's end in "/Canary".
  std::string accessLogGroup;
  std::string executionLogGroup;
  /// The counts of its requests that match no method (no resource, no verb), whose series has
  /// empty resource and method labels; null when nothing counts.
  std::shared_ptr<metrics::MetricSeries> unmatchedMetrics;
};

/// The release a request goes to: the stage's canary when `uniform` (drawn from [0, 1)) falls in
/// its share of the traffic, else the stage. No lock: both are compiled and held by the stage.
inline const std::shared_ptr<const StageSnapshot>& chooseRelease(const std::shared_ptr<const StageSnapshot>& stage,
                                                                 double uniform) {
  return stage->canary && uniform * 100.0 < stage->canaryPercent ? stage->canary : stage;
}

}  // namespace portico::gateway
