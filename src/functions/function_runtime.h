// FunctionRuntime: Portico's Invoker. Resolves a function, finds a warm execution
// environment in the WarmPool (or starts one within the concurrency limits), runs the
// invocation, frames its log (function_logs.h), and hands Event invocations to the
// AsyncInvokeQueue.
//
// An invocation is served on the caller's loop (a server worker, for the Lambda API and the
// gateway): a new environment lives on the loop that started it, and a warm one on the
// caller's own loop is preferred, so a warm invoke normally crosses no thread. An idle
// environment on another loop is used there (one hand-off each way) rather than starting a
// new one. Idle environments are reaped after an idle time (but provisioned ones, which the
// runtime keeps started and tops up: provisioner.h). Event invocations, the reaper and
// provisioning run on the functions loop.
#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "functions/account_concurrency.h"
#include "functions/invoker.h"
#include "functions/provisioner.h"

namespace portico {
class Clock;
}
namespace portico::metrics {
class MetricsRegistry;
}

namespace portico::functions {

class FunctionCatalog;
class CodeStore;
class Sandbox;
class FunctionLogs;
struct FunctionGrants;

struct RuntimeOptions {
  std::filesystem::path runtimeDir;             // Portico's runtime scripts (see builtin_runtimes.h)
  const AccountConcurrency* account = nullptr;  // borrowed; null: no account limit
  std::chrono::seconds idleTimeout{300};
  /// Delays before the retries of a failed Event invocation (AWS: 1 minute, then 2).
  std::chrono::milliseconds firstRetryDelay{60000};
  std::chrono::milliseconds secondRetryDelay{120000};
  /// Credentials, forwards and endpoints every environment gets (borrowed; null: none).
  const FunctionGrants* grants = nullptr;
  /// Where invocations count (Lambda's metrics family, and the concurrency and queue gauges);
  /// borrowed, null: nothing counts.
  metrics::MetricsRegistry* metrics = nullptr;
};

class FunctionRuntime final : public Invoker, public Provisioner {
 public:
  /// All borrowed; they must outlive the runtime.
  FunctionRuntime(boost::asio::io_context& loop, FunctionCatalog& catalog, CodeStore& code, Sandbox& sandbox,
                  FunctionLogs& logs, const Clock& clock, RuntimeOptions options);
  ~FunctionRuntime() override;

  /// Starts the idle reaper and resumes Event invocations queued before a restart.
  void start();
  /// Kills every environment. Call once the functions loop and every loop that invoked have stopped.
  void shutdown();

  boost::asio::awaitable<Result<InvokeResult>> invoke(InvokeRequest request) override;
  void provision(const std::string& function, const std::string& qualifier, int count) override;
  ProvisionedState provisioned(const std::string& function, const std::string& qualifier) const override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace portico::functions
