// A stage's canary release (Stage.canarySettings): the settings as CreateDeployment and CreateStage
// take them, and the UpdateStage operations on them: replace/remove under /canarySettings (a
// replace creates the canary), and promotion, the copies from /canarySettings/deploymentId to
// /deploymentId and from /canarySettings/stageVariableOverrides to /variables, in AWS's words for
// what it refuses.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/canary-release.html
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "common/result.h"
#include "control/apigateway/apigateway_context.h"

namespace portico::control::apigateway {

/// canarySettings from a request body ({percentTraffic, stageVariableOverrides, useStageCache,
/// and for CreateStage deploymentId}) for a canary of `deploymentId` (CreateDeployment's new one;
/// "" to take the body's, which must name a deployment of the API). Hold ctx.mu.
Result<boost::json::object> canarySettings(ApiGatewayContext& ctx, const std::string& apiId,
                                           const boost::json::value& body, const std::string& deploymentId);

/// Applies the body's canary operations to `stage` in order; returns the body with the others.
Result<boost::json::object> applyCanaryOperations(ApiGatewayContext& ctx, const std::string& apiId,
                                                  boost::json::object& stage, const boost::json::object& body);

}  // namespace portico::control::apigateway
