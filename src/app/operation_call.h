// callOperation: one management operation run in-process, as a client would call it over HTTP
// (the demo API, --import): its route, query and body; the reply's JSON object, or the error.
#pragma once
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "control/route_table.h"

namespace portico::app {

/// Exceptions an operation throws (a store failure, as the management listener's handler catches
/// them) come back as an InternalFailure. Synchronous operations only.
Result<boost::json::object> callOperation(const control::RouteTable& routes, boost::beast::http::verb method,
                                          std::vector<std::string> segments,
                                          std::vector<std::pair<std::string, std::string>> query,
                                          std::string_view body);

}  // namespace portico::app
