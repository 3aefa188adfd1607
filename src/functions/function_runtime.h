// FunctionRuntime: Portico's Invoker. Resolves a function, finds a warm execution
// environment (or starts one within the concurrency limits), runs the invocation,
// frames its log with START/END/REPORT, and queues Event invocations durably.
//
// All state lives on one io_context (the functions loop); invoke() may be called
// from any thread and hops onto it. Warm environments are pooled per immutable
// configuration (FunctionSpec::poolKey), reaped after an idle time, and dropped at
// once when their function's code or configuration changes.
#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "functions/account_concurrency.h"
#include "functions/invoker.h"

namespace portico::functions {

class FunctionCatalog;
class CodeStore;
class Sandbox;
class FunctionLogs;

struct RuntimeOptions {
  std::filesystem::path runtimeDir;             // Portico's runtime scripts (see builtin_runtimes.h)
  const AccountConcurrency* account = nullptr;  // borrowed; null: no account limit
  std::chrono::seconds idleTimeout{300};
  /// Delays before the retries of a failed Event invocation (AWS: 1 minute, then 2).
  std::chrono::milliseconds firstRetryDelay{60000};
  std::chrono::milliseconds secondRetryDelay{120000};
};

class FunctionRuntime final : public Invoker {
 public:
  /// All borrowed; they must outlive the runtime.
  FunctionRuntime(boost::asio::io_context& loop, FunctionCatalog& catalog, CodeStore& code, Sandbox& sandbox,
                  FunctionLogs& logs, RuntimeOptions options);
  ~FunctionRuntime() override;

  /// Starts the idle reaper and resumes Event invocations queued before a restart.
  void start();
  /// Kills every environment. Call once the functions loop has stopped.
  void shutdown();

  boost::asio::awaitable<Result<InvokeResult>> invoke(InvokeRequest request) override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace portico::functions
