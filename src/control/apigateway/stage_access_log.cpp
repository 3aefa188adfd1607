#include "control/apigateway/stage_access_log.h"

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "common/json_util.h"
#include "control/apigateway/stage_operations.h"
#include "gateway/access_log.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
namespace {

constexpr std::string_view kSettings = "/accessLogSettings";

Status checkValue(std::string_view field, std::string_view value) {
  if (value.empty()) return ApiError::badRequest("Access Log value must not be empty");
  if (field == "format") {
    auto compiled = gateway::AccessLogFormat::compile(value);
    if (!compiled) return compiled.takeError();
  } else if (!value.starts_with("arn:aws:logs:") && !value.starts_with("arn:aws:firehose:")) {
    return ApiError::badRequest(
        "Invalid access log destination: expected a CloudWatch Logs log group ARN or a Kinesis Data Firehose "
        "delivery stream ARN");
  } else if (value.size() > 2048) {
    return ApiError::badRequest("Invalid access log destination: longer than 2048 characters");
  }
  return Ok{};
}

}  // namespace

Result<bj::object> applyAccessLogOperations(bj::object& stage, const bj::object& body) {
  return takeOperations(
      body,
      [](const StageOperation& o) { return o.path == kSettings || o.path.starts_with(std::string(kSettings) + "/"); },
      [&](const StageOperation& o) -> Status {
        if (o.path == kSettings && o.op == "remove") {
          stage.erase("accessLogSettings");
          return Ok{};
        }
        const std::string field = o.path.size() > kSettings.size() ? o.path.substr(kSettings.size() + 1) : "";
        if (field != "format" && field != "destinationArn") {
          return ApiError::badRequest(
              "Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, "
              "/accessLogSettings/format]");
        }
        if (o.op == "remove") {
          bj::object* settings = json::obj(stage, "accessLogSettings");
          if (!settings || !settings->erase(field)) {
            return ApiError::badRequest("Cannot remove method setting accessLogSettings/" + field +
                                        " because there is no method setting for this method ");
          }
          if (settings->empty()) stage.erase("accessLogSettings");
          return Ok{};
        }
        if (o.op != "replace" && o.op != "add") {
          return ApiError::badRequest("Invalid patch operation specified. Must be one of: [add, remove, replace]");
        }
        const std::string value = json::strOr(o.item, "value", "");
        if (auto st = checkValue(field, value); !st) return st.takeError();
        json::objAt(stage, "accessLogSettings")[field] = value;
        return Ok{};
      });
}

}  // namespace portico::control::apigateway
