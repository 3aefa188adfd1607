// A stage's method settings for one deployed method, as stored by UpdateStage: the method's own
// entry ("~1pets~1{id}/GET") when it has one, else the stage-wide "*/*". Read by the compilers of
// method caching (method_caching.h) and method logging (loggingLevel, dataTraceEnabled).
#pragma once
#include <boost/json/object.hpp>
#include <string_view>

#include "gateway/snapshot.h"

namespace portico::gateway {

struct MethodSettings {
  const boost::json::object* own = nullptr;  // the method's own entry
  const boost::json::object* all = nullptr;  // "*/*"

  /// The setting from the method's own entry, else the stage-wide one, else null.
  const boost::json::value* find(std::string_view name) const;
};

MethodSettings methodSettings(const boost::json::object& stage, const CompiledMethod& method);

/// The method's execution logging (loggingLevel OFF, ERROR, INFO; dataTraceEnabled) and its
/// detailed metrics (metricsEnabled).
void compileMethodLogging(const boost::json::object& stage, CompiledMethod& method);

}  // namespace portico::gateway
