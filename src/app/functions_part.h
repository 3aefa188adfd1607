// FunctionsPart: Portico's functions, built from the options: code store, catalog, logs, sandbox,
// the account's concurrency and the runtime, with the loop (and thread) that runs Event invocations
// and the idle reaper. Invocations themselves run on the server's worker that serves them.
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/serve_options.h"
#include "functions/account_concurrency.h"
#include "functions/code_store.h"
#include "functions/function_catalog.h"
#include "functions/function_grants.h"
#include "functions/function_logs.h"
#include "functions/function_runtime.h"
#include "functions/sandbox.h"

namespace portico {
class Clock;
}
namespace portico::store {
class Store;
}

namespace portico::metrics {
class MetricsRegistry;
}

namespace portico::app {

class FunctionsPart {
 public:
  /// `grants` and `metrics` (where invocations count; null: nowhere) are borrowed: they must
  /// outlive the part.
  FunctionsPart(const ServeOptions& opt, store::Store& store, const Clock& clock, const std::string& accountId,
                const functions::FunctionGrants& grants, metrics::MetricsRegistry* metrics = nullptr);
  ~FunctionsPart();

  /// Starts the functions loop's thread and the runtime (the reaper, queued Event invocations).
  void start();
  /// Stops the functions loop, then kills every execution environment.
  void stop();

  boost::asio::io_context& loop() { return loop_; }
  /// "" when functions run in a sandbox, else why they do not (shown to users).
  std::string sandboxWarning() const;

  functions::CodeStore code;
  functions::FunctionCatalog catalog;
  functions::FunctionLogs logs;
  functions::AccountConcurrency account;
  std::unique_ptr<functions::Sandbox> sandbox;

 private:
  boost::asio::io_context loop_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;

 public:
  functions::FunctionRuntime runtime;  // after the loop it runs on

 private:
  std::optional<std::thread> thread_;
};

}  // namespace portico::app
