// TargetRouter: the operations of AWS's JSON 1.1 protocol (POST / with X-Amz-Target:
// "Service_Version.Operation"), for the services that share the management port's root path
// (CloudWatch Logs, Certificate Manager). Each registers under its target prefix; the route
// table holds one POST "" that dispatches here.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "control/route_table.h"

namespace portico::control {

class TargetRouter {
 public:
  /// op answers every call whose X-Amz-Target starts with `prefix` ("CertificateManager.").
  void add(std::string prefix, AdminOperation op) { services_.emplace_back(std::move(prefix), std::move(op)); }

  Result<AdminReply> operator()(const AdminCall& call) const {
    const std::string target = call.header("X-Amz-Target");
    for (const auto& [prefix, op] : services_) {
      if (target.starts_with(prefix)) return op(call);
    }
    return ApiError{"UnknownOperationException",
                    400,
                    "Unknown operation: X-Amz-Target " + target.substr(0, 200),
                    ErrorShape::kAwsJson,
                    {}};
  }

 private:
  std::vector<std::pair<std::string, AdminOperation>> services_;
};

}  // namespace portico::control
