// FunctionSpec: everything the runtime needs to run one version of one function,
// resolved from the catalog at invoke time (name/ARN + qualifier → version).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace portico::functions {

/// What the Event queue does with an asynchronous invocation (PutFunctionEventInvokeConfig for the
/// qualifier invoked; AWS's defaults without one).
struct EventInvokePolicy {
  int maximumRetryAttempts = 2;
  int maximumEventAgeSeconds = 21600;
  std::string onSuccess;  // destination ARNs ("" for none)
  std::string onFailure;
};

struct FunctionSpec {
  std::string name;
  std::string version = "$LATEST";  // the version that runs ("$LATEST", "1", ...)
  std::string invokedArn;           // the ARN as invoked (with the qualifier the caller used)
  std::string runtime;              // "provided.al2023", "nodejs20.x", "python3.12", ...
  std::string handler;
  std::string role;  // the execution role's ARN (whose configured keys, if any, the function gets)
  int memoryMb = 128;
  int timeoutSeconds = 3;
  std::map<std::string, std::string> environment;
  std::string codeHex;  // the code store key (hex SHA-256 of the zip)
  /// The function's layers' code store keys, in its order (extracted over each other at /opt).
  std::vector<std::string> layerHexes;
  std::string revisionId;  // changes with every code or configuration change
  std::optional<int> reservedConcurrency;
  EventInvokePolicy eventInvoke;

  /// Identifies one immutable configuration: environments are pooled by this key.
  std::string poolKey() const { return name + ":" + version + "#" + revisionId; }
};

}  // namespace portico::functions
