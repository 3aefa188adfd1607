#include "metrics/families.h"

namespace portico::metrics {
namespace {

/// Latency buckets in microseconds: 0.5 ms … 60 s.
std::vector<std::uint64_t> latencyBoundsMicros() {
  return {500,    1000,   2500,    5000,    10000,   25000,    50000,    100000,
          250000, 500000, 1000000, 2500000, 5000000, 10000000, 29000000, 60000000};
}

FamilySchema makeApiGateway() {
  FamilySchema f;
  f.ns = "AWS/ApiGateway";
  f.prefix = "portico_apigateway_";
  f.labels = {
      {"api_id", ""}, {"api_name", "ApiName"}, {"stage", "Stage"}, {"resource", "Resource"}, {"method", "Method"}};
  f.counters = {
      {"Count", "requests_total", "Requests to the method.", {}},
      {"4XXError", "4xx_errors_total", "Requests answered with a 4xx status.", {kCount}},
      {"5XXError", "5xx_errors_total", "Requests answered with a 5xx status.", {kCount}},
      {"CacheHitCount",
       "cache_hits_total",
       "Requests answered from the stage cache.",
       {kCacheHitCount, kCacheMissCount}},
      {"CacheMissCount",
       "cache_misses_total",
       "Cacheable requests the stage cache did not hold.",
       {kCacheHitCount, kCacheMissCount}},
  };
  f.histograms = {
      {"Latency", "latency_milliseconds", "From the request received to the response sent.", "Milliseconds", 0.001,
       latencyBoundsMicros()},
      {"IntegrationLatency", "integration_latency_milliseconds", "From the relay to the backend to its response.",
       "Milliseconds", 0.001, latencyBoundsMicros()},
  };
  f.dimensionSets = {
      {{"ApiName"}, false}, {{"ApiName", "Stage"}, false}, {{"ApiName", "Method", "Resource", "Stage"}, true}};
  return f;
}

FamilySchema makeLambda() {
  FamilySchema f;
  f.ns = "AWS/Lambda";
  f.prefix = "portico_lambda_";
  f.labels = {{"function_name", "FunctionName"}, {"resource", "Resource"}, {"executed_version", "ExecutedVersion"}};
  f.counters = {
      {"Invocations", "invocations_total", "Invocations that ran the function (successful or not).", {}},
      {"Errors", "errors_total", "Invocations that ended in a function error.", {kInvocations}},
      {"Throttles", "throttles_total", "Invocations refused for want of concurrency.", {}},
      {"", "cold_starts_total", "Invocations that started a new execution environment.", {}},
      {"AsyncEventsReceived", "async_events_received_total", "Events queued for asynchronous invocation.", {}},
  };
  f.histograms = {
      {"Duration", "duration_milliseconds", "Time the function's code ran.", "Milliseconds", 0.001,
       latencyBoundsMicros()},
      {"ConcurrentExecutions", "", "", "Count", 1.0, {}},
      {"AsyncEventAge", "async_event_age_milliseconds", "From an event queued to its invocation.", "Milliseconds",
       0.001, latencyBoundsMicros()},
  };
  f.dimensionSets = {{{}, false},
                     {{"FunctionName"}, false},
                     {{"FunctionName", "Resource"}, false},
                     {{"ExecutedVersion", "FunctionName", "Resource"}, false}};
  return f;
}

}  // namespace

const FamilySchema& apiGatewayFamily() {
  static const FamilySchema family = makeApiGateway();  // immutable, built once
  return family;
}

const FamilySchema& lambdaFamily() {
  static const FamilySchema family = makeLambda();
  return family;
}

std::array<const FamilySchema*, 2> allFamilies() {
  return {&apiGatewayFamily(), &lambdaFamily()};
}

}  // namespace portico::metrics
