// Demo: the example API `portico serve --demo` deploys on a fresh data dir, created
// through the same management operations the AWS CLI calls.
#pragma once
#include <optional>
#include <string>

#include "control/route_table.h"

namespace portico::app {

/// Creates and deploys the "portico-demo" API (stage "demo") unless an API of that name
/// exists. Returns its id, or nullopt with the failure logged.
std::optional<std::string> ensureDemoApi(const control::RouteTable& routes);

}  // namespace portico::app
