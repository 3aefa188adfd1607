// What UpdateStage's families of patch operations share (canary, access log): the body's
// operations that one family claims are applied in order, the others left for the next.
#pragma once
#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "common/result.h"

namespace portico::control::apigateway {

/// One patch operation: its op and path, and the whole object (for value and from).
struct StageOperation {
  std::string op, path;
  const boost::json::object& item;
};

/// Applies, in order, the body's patchOperations that `claims` takes (`apply` may refuse: that
/// refusal is the answer); returns the body with the others.
Result<boost::json::object> takeOperations(const boost::json::object& body,
                                           const std::function<bool(const StageOperation&)>& claims,
                                           const std::function<Status(const StageOperation&)>& apply);

}  // namespace portico::control::apigateway
