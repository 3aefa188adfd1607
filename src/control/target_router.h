// TargetRouter: the operations of AWS's JSON 1.1 protocol (POST / with X-Amz-Target:
// "Service_Version.Operation"), for the services that share the management port's root path
// (CloudWatch Logs, Certificate Manager), and the query protocol's (POST / with a form body
// naming its Action, no X-Amz-Target: CloudWatch). Each JSON service registers under its target
// prefix; the route table holds one POST "" that dispatches here.
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
  /// op answers every call without an X-Amz-Target (the query protocol's).
  void setQueryProtocol(AdminOperation op) { query_ = std::move(op); }

  Result<AdminReply> operator()(const AdminCall& call) const {
    const std::string target = call.header("X-Amz-Target");
    if (target.empty() && query_) return query_(call);
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
  AdminOperation query_;
};

}  // namespace portico::control
