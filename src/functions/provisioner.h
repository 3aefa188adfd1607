// Provisioner: provisioned concurrency, as the management API asks for it. Keeps `count`
// execution environments of a version (or of the version an alias points to) started and
// initialised ahead of any invocation (AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency;
// their first invocation's REPORT has no Init Duration), never reaped while idle, and topped up
// when one dies or is retired.
// https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
#pragma once
#include <string>

namespace portico::functions {

struct ProvisionedState {
  int requested = 0;
  int allocated = 0;    // environments started for it
  int available = 0;    // of those, initialised and alive
  std::string failure;  // why the last start failed ("" when none did)
};

class Provisioner {
 public:
  virtual ~Provisioner() = default;
  /// Keeps `count` environments of function:qualifier (a version or an alias) ready; 0 ends it
  /// (its environments then idle out as any other). Returns at once; starts happen on the
  /// runtime's own loop.
  virtual void provision(const std::string& function, const std::string& qualifier, int count) = 0;
  /// Where provisioning of function:qualifier stands.
  virtual ProvisionedState provisioned(const std::string& function, const std::string& qualifier) const = 0;
};

}  // namespace portico::functions
