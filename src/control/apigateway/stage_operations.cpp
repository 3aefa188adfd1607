#include "control/apigateway/stage_operations.h"

#include <boost/json.hpp>

#include "common/json_util.h"

namespace portico::control::apigateway {
namespace bj = boost::json;

Result<bj::object> takeOperations(const bj::object& body, const std::function<bool(const StageOperation&)>& claims,
                                  const std::function<Status(const StageOperation&)>& apply) {
  const bj::value* ops = body.if_contains("patchOperations");
  if (!ops || !ops->is_array()) return body;
  bj::array others;
  for (const auto& item : ops->get_array()) {
    if (!item.is_object()) return ApiError::badRequest("Invalid patch operation");
    const StageOperation op{json::strOr(item.get_object(), "op", ""), json::strOr(item.get_object(), "path", ""),
                            item.get_object()};
    if (!claims(op)) {
      others.push_back(item);
      continue;
    }
    if (auto st = apply(op); !st) return st.takeError();
  }
  bj::object rest = body;
  rest["patchOperations"] = std::move(others);
  return rest;
}

}  // namespace portico::control::apigateway
