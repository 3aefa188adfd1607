// portico: wiring only. Flags → components → run.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "app/demo.h"
#include "common/clock.h"
#include "control/admin_handler.h"
#include "control/apigateway/apigateway_context.h"
#include "control/console/console_handler.h"
#include "auth/credentials.h"
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
#include "gateway/stage_registry.h"
#include "gateway/token_bucket.h"
#include "gateway/usage_journal.h"
#include "gateway/usage_plans.h"
#include "http/fetch.h"
#include "http/server.h"
#include "http/upstream_pool.h"
#include "integrations/integrations.h"
#include "store/store.h"
#include "vtl/template_engine.h"

namespace {

struct ServeOptions {
  std::string dataDir = "./portico-data";
  std::string adminListen = "127.0.0.1:4566";
  std::string listen = "127.0.0.1:8080";
  unsigned threads = 0;
  std::string readyFile;
  std::string credentialsFile;
  bool noDevCredentials = false;
  bool demo = false;
  std::string region = "us-east-1";
  std::string logLevel = "info";
  int functionConcurrency = 1000;
  int unreservedMinimum = 100;  // what reservations must leave to the other functions (Lambda: 100)
  int functionIdleSeconds = 300;
  int drainSeconds = 25;
  double asyncRetrySeconds = 60;
  bool noSandbox = false;
  bool noUsageJournal = false;
  std::string functionNetwork = "outbound";    // none | outbound
  std::string functionFreeze = "on";           // on | off
  std::size_t maxConnections = 10000;          // per listener
  std::size_t maxConnectionsPerClient = 1000;  // per listener and client address
  double accountRateLimit = 10000;             // AWS's default account throttle (requests/s)
  double accountBurstLimit = 5000;
  std::string jwksDir;     // Cognito user pool keys (<pool id>.json); default <data dir>/jwks
  std::string consoleDir;  // the built web console; default <directory of the binary>/console
};

std::filesystem::path defaultConsoleDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("console") : exe.parent_path() / "console";
}

std::pair<std::string, unsigned short> splitHostPort(const std::string& s, const char* flag) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) throw CLI::ValidationError(flag, "expected HOST:PORT, got '" + s + "'");
  int port = 0;
  try {
    port = std::stoi(s.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw CLI::ValidationError(flag, "bad port in '" + s + "'");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, static_cast<unsigned short>(port)};
}

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

void writeReadyFile(const std::string& path, const std::string& admin, const std::string& data) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << "{\"admin\":\"" << admin << "\",\"data\":\"" << data << "\",\"pid\":" << getpid() << "}\n";
  }
  std::filesystem::rename(tmp, path);
}

int serve(const ServeOptions& opt) {
  using namespace portico;
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
  functions::FunctionRuntime functionRuntime(functionsLoop, catalog, codeStore, *sandbox, functionLogs, runtimeOptions);
  apigw.invoker = &functionRuntime;
  gateway::AuthorizationOptions authOptions;
  authOptions.region = opt.region;
  authOptions.accountId = apigw.accountId;
  authOptions.jwksDir = opt.jwksDir.empty() ? dataDir / "jwks" : std::filesystem::path(opt.jwksDir);
  authOptions.fetchJwks = [](const std::string& url) { return http::fetchUrl(url, std::chrono::seconds(3)); };
  gateway::Authorization authorization(functionRuntime, credentials, clock, authOptions);
  gateway::MethodRequest methodRequest(authorization, usage, quotas, accountThrottle);
  apigw.authorization = &authorization;
  IdGenerator keyIds;
  control::lambda::LambdaContext lambdaCtx{*store, clock, catalog, codeStore, functionRuntime, functionLogs};
  lambdaCtx.codeUrlKey = keyIds.alnum(32);
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

  auto [adminHost, adminPort] = splitHostPort(opt.adminListen, "--admin-listen");
  auto [dataHost, dataPort] = splitHostPort(opt.listen, "--listen");

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
  data.mock = integrations::makeMockIntegration();
  data.http = integrations::makeHttpIntegration(poolPtrs);
  data.lambdaProxy = integrations::makeLambdaProxyIntegration(functionRuntime);
  data.lambda = integrations::makeLambdaIntegration(functionRuntime);
  data.pipeline = std::make_unique<gateway::Pipeline>(
      methodRequest,
      gateway::Integrations{data.mock.get(), data.http.get(), data.lambdaProxy.get(), data.lambda.get()},
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
  boost::asio::steady_timer quotaFlush(functionsLoop);
  std::function<void()> scheduleFlush = [&] {
    quotaFlush.expires_after(std::chrono::seconds(1));
    quotaFlush.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      try {
        quotas.flush();
      } catch (const std::exception& e) {
        spdlog::error("writing quota counts failed: {}", e.what());
      }
      scheduleFlush();
    });
  };
  boost::asio::post(functionsLoop, scheduleFlush);

  std::optional<std::string> demoId;
  if (opt.demo) {
    demoId = app::ensureDemoApi(routes);
  }

  std::cout << "Portico " << PORTICO_VERSION << " is running (" << threads << " worker threads)\n"
            << "  Management API (apigateway, lambda): http://" << adminAddr << "\n"
            << "  Data plane (deployed stages):    http://" << dataAddr << "\n"
            << "  Data dir:                        " << std::filesystem::absolute(opt.dataDir).string() << "\n";
  if (!opt.noDevCredentials) {
    std::cout << "  Dev credentials:                 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n";
  }
  std::cout << "  Web console:                     http://" << adminAddr << "/console/"
            << (consoleAssets.available() ? " (log in with an access key id and secret)"
                                          : " (not built: no index.html in " + consoleAssets.dir().string() + ")")
            << "\n";
  std::cout << "  Functions:                       " << sandbox->describe() << "\n";
  std::cout << "  Try: aws --endpoint-url http://" << adminAddr << " apigateway get-rest-apis\n"
            << "       aws --endpoint-url http://" << adminAddr << " lambda list-functions\n";
  if (demoId) {
    std::cout << "  Demo API:                        curl http://" << dataAddr << "/restapis/" << *demoId
              << "/demo/_user_request_/hello\n";
  }
  std::cout << "  Serving " << stages + (demoId ? 1 : 0) << " deployed stage(s). Stop with Ctrl-C (SIGTERM drains).\n"
            << std::flush;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Portico: a self-hosted, AWS-compatible API Gateway and Lambda platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("portico ") + PORTICO_VERSION);

  ServeOptions opt;
  auto* serveCmd = app.add_subcommand("serve", "Run the management API and the data plane");
  serveCmd->set_config("--config", "", "Read options from a TOML/INI config file");
  serveCmd->add_option("--data-dir", opt.dataDir, "Where state is kept (SQLite)")
      ->envname("PORTICO_DATA_DIR")
      ->capture_default_str();
  serveCmd->add_option("--admin-listen", opt.adminListen, "HOST:PORT of the management API (port 0 = any)")
      ->envname("PORTICO_ADMIN_LISTEN")
      ->capture_default_str();
  serveCmd->add_option("--listen", opt.listen, "HOST:PORT of the data plane (port 0 = any)")
      ->envname("PORTICO_LISTEN")
      ->capture_default_str();
  serveCmd->add_option("--threads", opt.threads, "Worker threads (default: one per core)")->envname("PORTICO_THREADS");
  serveCmd->add_option("--ready-file", opt.readyFile, "Write {admin,data,pid} JSON here once listening");
  serveCmd
      ->add_option("--credentials-file", opt.credentialsFile,
                   "Access keys the management API accepts: 'KEY_ID SECRET' per line")
      ->envname("PORTICO_CREDENTIALS_FILE");
  serveCmd->add_flag("--no-dev-credentials", opt.noDevCredentials, "Refuse the dev default test/test")
      ->envname("PORTICO_NO_DEV_CREDENTIALS");
  serveCmd->add_flag("--demo", opt.demo, "Create and deploy a small example API on start");
  serveCmd->add_option("--region", opt.region, "AWS region Portico reports")
      ->envname("PORTICO_REGION")
      ->capture_default_str();
  serveCmd->add_option("--log-level", opt.logLevel, "trace, debug, info, warn, error")
      ->envname("PORTICO_LOG_LEVEL")
      ->capture_default_str();

  serveCmd
      ->add_option("--account-rate-limit", opt.accountRateLimit,
                   "Account-level throttle: requests per second across every stage")
      ->envname("PORTICO_ACCOUNT_RATE_LIMIT")
      ->capture_default_str();
  serveCmd->add_option("--account-burst-limit", opt.accountBurstLimit, "Account-level throttle: burst size")
      ->envname("PORTICO_ACCOUNT_BURST_LIMIT")
      ->capture_default_str();
  serveCmd
      ->add_option(
          "--jwks-dir", opt.jwksDir,
          "Cognito user pool keys for COGNITO_USER_POOLS authorizers: <pool id>.json (default <data-dir>/jwks)")
      ->envname("PORTICO_JWKS_DIR");
  serveCmd
      ->add_option("--console-dir", opt.consoleDir,
                   "The built web console (index.html, assets/); default: 'console' beside the binary")
      ->envname("PORTICO_CONSOLE_DIR");
  serveCmd
      ->add_option("--function-concurrency", opt.functionConcurrency,
                   "Account-wide limit of concurrent function executions")
      ->envname("PORTICO_FUNCTION_CONCURRENCY")
      ->capture_default_str();
  serveCmd
      ->add_option("--function-unreserved-minimum", opt.unreservedMinimum,
                   "Concurrency that reserved concurrency must leave to the other functions (Lambda: 100)")
      ->envname("PORTICO_FUNCTION_UNRESERVED_MINIMUM")
      ->capture_default_str();
  serveCmd
      ->add_option("--function-idle-seconds", opt.functionIdleSeconds,
                   "Seconds an idle warm execution environment is kept")
      ->envname("PORTICO_FUNCTION_IDLE_SECONDS")
      ->capture_default_str();
  serveCmd
      ->add_option("--async-retry-seconds", opt.asyncRetrySeconds,
                   "Delay before retrying a failed Event invocation (the second retry waits twice as long)")
      ->envname("PORTICO_ASYNC_RETRY_SECONDS")
      ->capture_default_str();
  serveCmd
      ->add_option("--drain-seconds", opt.drainSeconds,
                   "On SIGTERM/SIGINT, how long in-flight requests may take to finish before Portico stops")
      ->envname("PORTICO_DRAIN_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  serveCmd->add_flag("--no-sandbox", opt.noSandbox, "Run functions as plain processes (no bubblewrap)")
      ->envname("PORTICO_NO_SANDBOX");
  serveCmd
      ->add_flag("--no-usage-journal", opt.noUsageJournal,
                 "Do not journal quota counts before answering (a crash may then forget up to a second of them)")
      ->envname("PORTICO_NO_USAGE_JOURNAL");
  serveCmd
      ->add_option("--max-connections", opt.maxConnections,
                   "Open connections each listener keeps; beyond, an idle keep-alive one is closed, else the new one")
      ->envname("PORTICO_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  serveCmd
      ->add_option("--max-connections-per-client", opt.maxConnectionsPerClient,
                   "Open connections one client address may hold on each listener")
      ->envname("PORTICO_MAX_CONNECTIONS_PER_CLIENT")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  serveCmd
      ->add_option("--function-network", opt.functionNetwork,
                   "Functions' network: 'outbound' (their own namespace, outside addresses through slirp4netns, "
                   "the host unreachable) or 'none' (loopback only)")
      ->envname("PORTICO_FUNCTION_NETWORK")
      ->check(CLI::IsMember({"none", "outbound"}))
      ->capture_default_str();
  serveCmd
      ->add_option("--function-freeze", opt.functionFreeze,
                   "'on': idle execution environments are frozen between invocations, as on Lambda; 'off' lets "
                   "their background work run on (unlike Lambda; e.g. to attach a debugger)")
      ->envname("PORTICO_FUNCTION_FREEZE")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();

  auto* versionCmd = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  if (versionCmd->parsed()) {
    std::cout << "portico " << PORTICO_VERSION << "\n";
    return 0;
  }
  try {
    return serve(opt);
  } catch (const std::exception& e) {
    std::cerr << "portico: " << e.what() << "\n";
    return 1;
  }
}
