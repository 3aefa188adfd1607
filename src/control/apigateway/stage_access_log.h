// A stage's accessLogSettings {format, destinationArn}: UpdateStage's operations on them, in AWS's
// words for what it refuses; the format is checked as the data plane compiles it.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
#pragma once
#include <boost/json/object.hpp>

#include "common/result.h"

namespace portico::control::apigateway {

/// Applies the body's operations on /accessLogSettings[/format|/destinationArn] to `stage` in
/// order; returns the body with the others.
Result<boost::json::object> applyAccessLogOperations(boost::json::object& stage, const boost::json::object& body);

}  // namespace portico::control::apigateway
