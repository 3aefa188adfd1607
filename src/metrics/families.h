// The metric families Portico records: API Gateway's per API / stage / resource / method and
// Lambda's per function / resource (function:qualifier) / executed version, with AWS's metric
// and dimension names (aws-production-features.md §4.5;
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
#pragma once
#include <array>

#include "metrics/metric_schema.h"

namespace portico::metrics {

/// Label values of an API Gateway series, in this order.
enum ApiGatewayLabel : unsigned { kApiId, kApiName, kStage, kResource, kMethod };
enum ApiGatewayCounter : unsigned { kCount, k4xxError, k5xxError, kCacheHitCount, kCacheMissCount };
enum ApiGatewayHistogram : unsigned { kLatency, kIntegrationLatency };

/// Label values of a Lambda series, in this order (resource "" for an unqualified invocation).
enum LambdaLabel : unsigned { kFunctionName, kFunctionResource, kExecutedVersion };
enum LambdaCounter : unsigned { kInvocations, kErrors, kThrottles, kColdStarts, kAsyncEventsReceived };
enum LambdaHistogram : unsigned { kDuration, kConcurrentExecutions, kAsyncEventAge };

const FamilySchema& apiGatewayFamily();
const FamilySchema& lambdaFamily();
/// Both, for what searches the families (CloudWatch's namespaces).
std::array<const FamilySchema*, 2> allFamilies();

}  // namespace portico::metrics
