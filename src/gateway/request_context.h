// RequestContext: everything one data-plane request carries through the pipeline.
//
// Created by the data-plane handler, passed by reference to each stage in order
// (pipeline.cpp), never shared between requests.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/router.h"
#include "gateway/snapshot.h"
#include "http/handler.h"

namespace portico::gateway {

class ExecutionLog;
class UsageSnapshot;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// What the Integration Request stage builds and the integration sends.
struct IntegrationRequest {
  std::string method;
  std::string url;  // full URL for HTTP integrations
  HeaderList headers;
  std::string body;
};

/// What the integration answered, before the Integration Response stage.
struct IntegrationResult {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool proxy = false;  // already the final response (HTTP_PROXY, AWS_PROXY): skip response mapping
  /// HTTP_PROXY: the part of the backend's body still arriving after `body` (null when `body` is all).
  std::unique_ptr<http::BodyStream> rest;
  /// What integration responses' selectionPatterns match: the status code when unset (HTTP, MOCK),
  /// the function's errorMessage ("" on success) for AWS Lambda integrations.
  std::optional<std::string> selectionSubject;
};

struct RequestContext {
  http::Request& request;
  const http::ConnectionInfo& conn;
  std::shared_ptr<const StageSnapshot> stage;
  std::string requestId;
  std::string apigwId;
  std::string path;      // the resource path requested, after the stage, raw ("/pets/42")
  std::string rawQuery;  // without '?'
  RouteMatch match;

  // Method request, as parsed by method_request.
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> queryLast;            // last value per name
  std::map<std::string, std::string> headersLast;          // header name (as sent) → last value
  std::string apiKey, apiKeyId;                            // the caller's API key, when the method requires one
  boost::json::object authorizer;                          // $context.authorizer: principalId, context keys, claims
  boost::json::object identity;                            // $context.identity from AWS_IAM (accessKey, userArn, ...)
  std::string usageIdentifierKey;                          // the API key a Lambda authorizer named
  std::shared_ptr<const UsageSnapshot> usageSnapshot;      // the usage plans the key was checked against

  IntegrationRequest integrationRequest;
  /// $context.responseOverride as the request template left it ({} when none ran): the response
  /// template starts from it, and it applies when no response template runs (as on AWS, where
  /// a MOCK's request template can set the status and headers the client gets).
  boost::json::object responseOverride;
  IntegrationResult integrationResult;
  /// How long the integration took (set once it has answered): $context.integration.latency and
  /// $context.integrationLatency (in milliseconds), the IntegrationLatency metric; the rest of
  /// $context.integration.* is read off integrationResult.
  std::optional<std::chrono::microseconds> integrationLatency;
  /// What the stage cache did for this request (the CacheHitCount and CacheMissCount metrics).
  enum class CacheOutcome { kNotCached, kHit, kMiss };
  CacheOutcome cacheOutcome = CacheOutcome::kNotCached;
  std::string selectedStatus = "200";  // method response status chosen by integration_response
  HeaderList responseHeaders;          // mapped method response headers
  std::string responseContentType;     // the selected response template's type, "" when none ran
  std::string responseBody;

  /// TestInvokeMethod: authorization, API keys and limits are bypassed (as AWS's test does) and each
  /// stage's step is written to `log`. Both unset for data-plane requests.
  bool testInvoke = false;
  ExecutionLog* log = nullptr;

  /// How long a mapping template may render before it is stopped to be started over off the
  /// serving loop (Pipeline); 0: the full budget, where it is.
  std::chrono::microseconds renderTimeSlice{0};
  /// When the request was routed, from the injected Clock: $context.requestTime(Epoch), the day its
  /// quota counts on.
  std::chrono::system_clock::time_point receivedAt{};

  /// A request on a custom domain name: the path as the client sent it (what the proxy event's
  /// `path` and $context.path show there) and the base path of the mapping that took it
  /// ($context.customDomain.basePathMatched). customDomain false: the default addressing.
  bool customDomain = false;
  std::string domainPath;
  std::string basePathMatched;
};

/// A stage's early answer: a gateway response type (aws-behaviour.md §6) and its message.
struct GatewayError {
  std::string responseType;  // e.g. "MISSING_AUTHENTICATION_TOKEN"
  std::string message;
  int status = 0;  // 0: the response type's default status; else what AWS answers in this case (e.g. 502)
  std::string validationError = {};  // $context.error.validationErrorString (request validation failures)
  bool timeSliceSpent = false;       // a template outran ctx.renderTimeSlice: run the stage again off the loop
  std::string detail = {};           // for the execution log in place of `message` (a configuration error's cause)
};

/// nullopt: continue to the next stage.
using StageResult = std::optional<GatewayError>;

}  // namespace portico::gateway
