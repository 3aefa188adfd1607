// serve(): builds Portico's components from the options, in dependency order, runs the servers
// and takes everything down again on SIGTERM/SIGINT.
#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "app/banner.h"
#include "app/demo.h"
#include "app/ready_file.h"
#include "auth/credentials.h"
#include "common/clock.h"
#include "common/digest.h"
#include "control/admin_handler.h"
#include "control/apigateway/apigateway_context.h"
#include "control/console/console_handler.h"
#include "control/lambda/lambda_context.h"
#include "control/logs/logs_api.h"
#include "functions/builtin_runtimes.h"
#include "functions/code_store.h"
#include "functions/function_catalog.h"
#include "functions/function_logs.h"
#include "functions/function_runtime.h"
#include "functions/sandbox.h"
#include "gateway/authorization.h"
#include "gateway/data_plane_handler.h"
#include "gateway/method_request.h"
#include "gateway/pipeline.h"
#include "gateway/quota_counters.h"
#include "gateway/quota_flusher.h"
#include "gateway/stage_registry.h"
#include "gateway/token_bucket.h"
#include "gateway/usage_journal.h"
#include "gateway/usage_plans.h"
#include "http/fetch_document.h"
#include "http/server.h"
#include "http/upstream_pool.h"
#include "integrations/integrations.h"
#include "store/store.h"
#include "vtl/template_engine.h"

namespace portico::app {
namespace {

/// Runs what is ready on stopped loops, round after round, until rounds find nothing for ~25 ms
/// (bounded: at most ~0.5 s), so no coroutine is left owned by another loop's queue.
void unwindStoppedLoops(const std::vector<boost::asio::io_context*>& loops) {
  int quiet = 0;
  for (int round = 0; round < 100 && quiet < 5; ++round) {
    std::size_t ran = 0;
    for (auto* loop : loops) {
      loop->restart();
      ran += loop->poll();
    }
    if (ran) {
      quiet = 0;
    } else {
      ++quiet;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a killed runtime's pipes closing
    }
  }
}

}  // namespace

int serve(const ServeOptions& opt) {
  spdlog::set_level(spdlog::level::from_str(opt.logLevel));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);

  // Block the stop signals before any thread starts, so only the signal thread sees them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::filesystem::create_directories(opt.dataDir);
  auto store = store::makeSqliteStore(std::filesystem::path(opt.dataDir) / "portico.db");

  auth::StaticCredentials credentials;
  if (!opt.noDevCredentials) credentials.add("test", "test");
  if (!opt.credentialsFile.empty()) credentials.loadFile(opt.credentialsFile);
  if (credentials.empty()) throw std::runtime_error("no credentials: pass --credentials-file or allow the dev default");

  SystemClock clock;
  auto templates = vtl::makeVelocityTemplateEngine();
  gateway::StageRegistry registry;
  gateway::UsageRegistry usage;
  gateway::QuotaCounters quotas(*store);
  // Requests counted against quotas are journaled before they are answered (a crash forgets none).
  gateway::UsageJournal usageJournal(std::filesystem::path(opt.dataDir) / "usage-journal");
  if (!opt.noUsageJournal) quotas.attachJournal(usageJournal);
  control::apigateway::ApiGatewayContext apigw{*store, clock, *templates, registry, usage, quotas};
  apigw.region = opt.region;
  control::RouteTable routes;
  control::apigateway::registerApiGatewayRoutes(routes, apigw);
  std::size_t stages = control::apigateway::publishAllStages(apigw);
  control::apigateway::publishUsage(apigw);
  gateway::TokenBucket accountThrottle(opt.accountRateLimit, opt.accountBurstLimit);

  // Functions: code store, catalog, sandbox and the runtime. Invocations run on the worker that
  // serves them; Event invocations and the idle reaper on a loop of their own.
  std::filesystem::path dataDir(opt.dataDir);
  functions::CodeStore codeStore(dataDir / "code");
  functions::FunctionCatalog catalog(*store, opt.region, apigw.accountId);
  functions::FunctionLogs functionLogs;
  functions::SandboxOptions sandboxOptions;
  sandboxOptions.allowBubblewrap = !opt.noSandbox;
  sandboxOptions.etcDir = dataDir / "sandbox-etc";
  sandboxOptions.viewsDir = dataDir / "sandbox-views";
  sandboxOptions.network =
      opt.functionNetwork == "none" ? functions::FunctionNetwork::kNone : functions::FunctionNetwork::kOutbound;
  sandboxOptions.freezeIdle = opt.functionFreeze == "on";
  auto sandbox = functions::makeSandbox(sandboxOptions);
  functions::installBuiltinRuntimes(dataDir / "runtimes");
  boost::asio::io_context functionsLoop(1);
  auto functionsWork = boost::asio::make_work_guard(functionsLoop);
  functions::RuntimeOptions runtimeOptions;
  runtimeOptions.runtimeDir = std::filesystem::absolute(dataDir / "runtimes");
  functions::AccountConcurrency accountConcurrency(opt.functionConcurrency, opt.unreservedMinimum);
  runtimeOptions.account = &accountConcurrency;
  runtimeOptions.idleTimeout = std::chrono::seconds(opt.functionIdleSeconds);
  runtimeOptions.firstRetryDelay = std::chrono::milliseconds(static_cast<long>(opt.asyncRetrySeconds * 1000));
  runtimeOptions.secondRetryDelay = 2 * runtimeOptions.firstRetryDelay;
  functions::FunctionRuntime functionRuntime(functionsLoop, catalog, codeStore, *sandbox, functionLogs, clock,
                                             runtimeOptions);
  apigw.invoker = &functionRuntime;
  gateway::AuthorizationOptions authOptions;
  authOptions.region = opt.region;
  authOptions.accountId = apigw.accountId;
  authOptions.jwksDir = opt.jwksDir.empty() ? dataDir / "jwks" : std::filesystem::path(opt.jwksDir);
  // JWKS fetches go through the upstream pool of the worker loop that asks (filled in below).
  std::vector<http::UpstreamPool*> jwksPools;
  authOptions.fetchJwks = [&jwksPools](const std::string& url, auth::UserPoolKeys::FetchDone done) {
    http::startFetch(jwksPools, url, std::chrono::seconds(3), 1024 * 1024, std::move(done));
  };
  gateway::Authorization authorization(functionRuntime, credentials, clock, authOptions);
  gateway::MethodRequest methodRequest(authorization, usage, quotas, accountThrottle);
  apigw.authorization = &authorization;
  control::lambda::LambdaContext lambdaCtx{*store, clock, catalog, codeStore, functionRuntime, functionLogs};
  lambdaCtx.codeUrlKey = hexEncode(randomBytes(32));  // signs code download URLs
  lambdaCtx.account = &accountConcurrency;
  // Code uploads unpack off the serving loops.
  boost::asio::thread_pool blockingPool(1);
  lambdaCtx.blockingExecutor = blockingPool.get_executor();
  // Mapping templates that outrun their slice on a serving loop finish here (Pipeline).
  boost::asio::thread_pool renderPool(1);
  if (!sandbox->isolated())
    lambdaCtx.sandboxWarning = "Portico runs this function WITHOUT a sandbox: " + sandbox->describe();
  control::lambda::registerLambdaRoutes(routes, lambdaCtx);
  control::lambda::publishReservedConcurrency(lambdaCtx);
  control::logs::registerLogsRoutes(routes, functionLogs, *store);

  unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  control::AdminHandler admin(routes, credentials, clock);
  admin.setRegion(opt.region);
  control::console::ConsoleSessions consoleSessions(
      credentials, clock, control::console::ConsoleSessions::loadOrCreateKey(dataDir / "console.key"));
  control::console::ConsoleAssets consoleAssets(opt.consoleDir.empty() ? defaultConsoleDir()
                                                                       : std::filesystem::path(opt.consoleDir));
  control::console::ConsoleHandler console(consoleSessions, consoleAssets, {opt.region, apigw.accountId, ""});
  admin.setConsole(&console);
  admin.addUnsignedEndpoint(control::lambda::makeCodeDownloadEndpoint(lambdaCtx));

  auto [adminHost, adminPort] = parseHostPort(opt.adminListen, "--admin-listen");
  auto [dataHost, dataPort] = parseHostPort(opt.listen, "--listen");

  // The data plane: per-worker upstream pools, integrations, the pipeline.
  // Pools need the worker io_contexts, which the server owns; they are created lazily per worker.
  std::vector<http::ListenerSpec> specs;
  http::RequestLimits adminLimits;
  adminLimits.bodyBytes = 70167211;  // CreateFunction's limit: a 50 MB zip, base64 in JSON
  adminLimits.requestTimeout = std::chrono::seconds(120);
  adminLimits.maxConnections = opt.maxConnections;
  adminLimits.maxConnectionsPerClient = opt.maxConnectionsPerClient;
  specs.push_back({"admin", adminHost, adminPort, &admin, adminLimits});

  // The data plane handler is built after the server so pools can bind to worker loops.
  struct DataPlane {
    std::vector<std::unique_ptr<http::UpstreamPool>> pools;
    std::unique_ptr<integrations::Integration> mock, http, lambdaProxy, lambda;
    std::unique_ptr<gateway::Pipeline> pipeline;
    std::unique_ptr<gateway::DataPlaneHandler> handler;
  } data;
  struct Forwarder final : http::Handler {
    http::Handler* target = nullptr;
    boost::asio::awaitable<http::Reply> handle(http::Request& req, const http::ConnectionInfo& c) override {
      return target->handle(req, c);
    }
  } dataForwarder;
  http::RequestLimits dataLimits;
  dataLimits.maxConnections = opt.maxConnections;
  dataLimits.maxConnectionsPerClient = opt.maxConnectionsPerClient;
  specs.push_back({"data", dataHost, dataPort, &dataForwarder, dataLimits});

  http::Server server(std::move(specs), threads);
  std::vector<http::UpstreamPool*> poolPtrs;
  for (unsigned i = 0; i < threads; ++i) {
    data.pools.push_back(std::make_unique<http::UpstreamPool>(server.workerContext(i)));
    poolPtrs.push_back(data.pools.back().get());
  }
  jwksPools = poolPtrs;
  data.mock = integrations::makeMockIntegration();
  data.http = integrations::makeHttpIntegration(poolPtrs);
  data.lambdaProxy = integrations::makeLambdaProxyIntegration(functionRuntime);
  data.lambda = integrations::makeLambdaIntegration(functionRuntime);
  data.pipeline = std::make_unique<gateway::Pipeline>(
      methodRequest, gateway::Integrations{data.mock.get(), data.http.get(), data.lambdaProxy.get(), data.lambda.get()},
      renderPool.get_executor());
  data.handler = std::make_unique<gateway::DataPlaneHandler>(registry, *data.pipeline, threads);
  apigw.pipeline = data.pipeline.get();
  dataForwarder.target = data.handler.get();

  auto endpoints = server.bind();
  auto fmt = [](const boost::asio::ip::tcp::endpoint& ep) {
    return ep.address().to_string() + ":" + std::to_string(ep.port());
  };
  std::string adminAddr = fmt(endpoints[0]), dataAddr = fmt(endpoints[1]);
  lambdaCtx.codeUrlBase = "http://" + adminAddr;
  console.setDataPlaneUrl("http://" + dataAddr);
  std::thread functionsThread([&functionsLoop] { functionsLoop.run(); });
  functionRuntime.start();
  // Quota counts reach the store once a second (and at shutdown), off the request path.
  gateway::QuotaFlusher quotaFlusher(functionsLoop, quotas);

  std::optional<std::string> demoId;
  if (opt.demo) {
    demoId = app::ensureDemoApi(routes);
  }

  printBanner(std::cout, {threads, adminAddr, dataAddr, std::filesystem::absolute(opt.dataDir).string(),
                          !opt.noDevCredentials, consoleAssets.available(), consoleAssets.dir().string(),
                          sandbox->describe(), demoId, stages + (demoId ? 1 : 0)});
  if (!sandbox->isolated()) {
    spdlog::warn("functions run WITHOUT a sandbox: {}", sandbox->describe());
  }
  if (!opt.readyFile.empty()) writeReadyFile(opt.readyFile, adminAddr, dataAddr);

  std::thread signalThread([&server, stopSignals, drain = std::chrono::seconds(opt.drainSeconds)] {
    int sig = 0;
    sigwait(&stopSignals, &sig);
    spdlog::info("received {}, draining in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stopGracefully(drain);
  });
  server.run();
  // Stop the functions loop, then kill every execution environment.
  functionsWork.reset();
  functionsLoop.stop();
  functionsThread.join();
  quotaFlusher.stop();  // the loop is gone: no tick runs concurrently
  functionRuntime.shutdown();
  // Invocations the drain cut short end now that their runtimes are dead: let them unwind (and
  // answer) before any loop is destroyed, since one that crossed to another worker's loop is owned
  // by that loop's queue. (Before the upstream pools go: what resumes may still use them.)
  std::vector<boost::asio::io_context*> loops{&functionsLoop};
  for (unsigned i = 0; i < threads; ++i) loops.push_back(&server.workerContext(i));
  unwindStoppedLoops(loops);
  // Pooled upstream sockets belong to the worker loops: close them while the loops still exist.
  data.pools.clear();
  quotas.flush();
  // Wake the signal thread if the server stopped for another reason.
  pthread_kill(signalThread.native_handle(), SIGTERM);
  signalThread.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace portico::app
