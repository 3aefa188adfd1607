#include "app/operation_call.h"

#include <exception>

namespace portico::app {

Result<boost::json::object> callOperation(const control::RouteTable& routes, boost::beast::http::verb method,
                                          std::vector<std::string> segments,
                                          std::vector<std::pair<std::string, std::string>> query,
                                          std::string_view body) {
  auto match = routes.match(method, segments);
  if (!match || !match->op) return ApiError::internal("no synchronous route for the call");
  control::AdminCall c{method, std::move(match->params), std::move(query), body};
  Result<control::AdminReply> reply = ApiError::internal("not run");
  try {
    reply = (*match->op)(c);
  } catch (const std::exception& e) {
    return ApiError::internal(std::string("the operation failed: ") + e.what());
  }
  if (!reply) return reply.takeError();
  if (reply->body && reply->body->is_object()) return reply->body->get_object();
  return boost::json::object();
}

}  // namespace portico::app
