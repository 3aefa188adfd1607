#include "app/functions_part.h"

#include <filesystem>

#include "functions/builtin_runtimes.h"

namespace portico::app {
namespace {

functions::SandboxOptions sandboxOptions(const ServeOptions& opt, const functions::FunctionGrants& grants) {
  std::filesystem::path dataDir(opt.dataDir);
  functions::SandboxOptions o;
  o.allowBubblewrap = !opt.noSandbox;
  o.etcDir = dataDir / "sandbox-etc";
  o.viewsDir = dataDir / "sandbox-views";
  o.network = opt.functionNetwork == "none" ? functions::FunctionNetwork::kNone : functions::FunctionNetwork::kOutbound;
  o.freezeIdle = opt.functionFreeze == "on";
  o.forwardPorts = functions::forwardPorts(grants);
  return o;
}

functions::RuntimeOptions runtimeOptions(const ServeOptions& opt, const functions::AccountConcurrency& account,
                                         const functions::FunctionGrants& grants, metrics::MetricsRegistry* metrics) {
  functions::RuntimeOptions o;
  o.runtimeDir = std::filesystem::absolute(std::filesystem::path(opt.dataDir) / "runtimes");
  o.account = &account;
  o.idleTimeout = std::chrono::seconds(opt.functionIdleSeconds);
  o.firstRetryDelay = std::chrono::milliseconds(static_cast<long>(opt.asyncRetrySeconds * 1000));
  o.secondRetryDelay = 2 * o.firstRetryDelay;
  o.grants = &grants;
  o.metrics = metrics;
  return o;
}

/// The runtimes' scripts are written before the runtime that runs them exists.
std::unique_ptr<functions::Sandbox> sandboxWithRuntimes(const ServeOptions& opt,
                                                        const functions::FunctionGrants& grants) {
  functions::installBuiltinRuntimes(std::filesystem::path(opt.dataDir) / "runtimes");
  return functions::makeSandbox(sandboxOptions(opt, grants));
}

}  // namespace

FunctionsPart::FunctionsPart(const ServeOptions& opt, store::Store& store, const Clock& clock,
                             const std::string& accountId, const functions::FunctionGrants& grants,
                             metrics::MetricsRegistry* metrics)
    : code(std::filesystem::path(opt.dataDir) / "code"),
      catalog(store, opt.region, accountId),
      account(opt.functionConcurrency, opt.unreservedMinimum),
      sandbox(sandboxWithRuntimes(opt, grants)),
      work_(boost::asio::make_work_guard(loop_)),
      runtime(loop_, catalog, code, *sandbox, logs, clock, runtimeOptions(opt, account, grants, metrics)) {}

FunctionsPart::~FunctionsPart() {
  stop();
}

void FunctionsPart::start() {
  thread_.emplace([this] { loop_.run(); });
  runtime.start();
}

void FunctionsPart::stop() {
  if (!thread_) return;
  work_.reset();
  loop_.stop();
  thread_->join();
  thread_.reset();
  runtime.shutdown();
}

std::string FunctionsPart::sandboxWarning() const {
  if (sandbox->isolated()) return "";
  return "Portico runs this function WITHOUT a sandbox: " + sandbox->describe();
}

}  // namespace portico::app
