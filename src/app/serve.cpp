// serve(): builds Portico's components from the options, in dependency order and through their
// constructors, runs the servers and takes everything down again on SIGTERM/SIGINT.
#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "app/banner.h"
#include "app/data_plane_part.h"
#include "app/declarative_import.h"
#include "app/demo.h"
#include "app/function_access.h"
#include "app/functions_part.h"
#include "app/ready_file.h"
#include "auth/credentials.h"
#include "aws/aws_credentials.h"
#include "aws/aws_endpoints.h"
#include "common/clock.h"
#include "common/digest.h"
#include "control/acm/acm_api.h"
#include "control/admin_handler.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/domain_names.h"
#include "control/cloudwatch/cloudwatch_api.h"
#include "control/console/console_handler.h"
#include "control/lambda/lambda_context.h"
#include "control/logs/logs_api.h"
#include "control/metrics_endpoint.h"
#include "function_urls/function_url_handler.h"
#include "functions/builtin_runtimes.h"
#include "gateway/domain_registry.h"
#include "gateway/log_groups.h"
#include "gateway/memory_response_cache.h"
#include "gateway/quota_counters.h"
#include "gateway/stage_caches.h"
#include "gateway/stage_registry.h"
#include "gateway/usage_journal.h"
#include "gateway/usage_plans.h"
#include "http/listeners.h"
#include "http/periodic_timer.h"
#include "http/server.h"
#include "http/tls_catalog.h"
#include "http/worker_loops.h"
#include "store/store.h"
#include "vtl/template_engine.h"

namespace portico::app {
namespace {

/// The banner's line on what the runtimes run on.
std::string runtimesLine(const functions::HostInterpreters& hosts) {
  std::string python = hosts.python.empty() ? "no python3 found" : "Python " + hosts.python;
  std::string node = hosts.node.empty() ? "no node found" : "Node.js " + hosts.node;
  return "python3.9 ... python3.14 on " + python + "; nodejs18.x ... nodejs24.x on " + node +
         "; provided.* run their bootstrap";
}

constexpr const char* kAccountId = "000000000000";

/// Blocks the stop signals before any thread starts, so that only the signal thread sees them.
sigset_t blockStopSignals() {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return stopSignals;
}

std::unique_ptr<auth::StaticCredentials> loadCredentials(const ServeOptions& opt) {
  auto credentials = std::make_unique<auth::StaticCredentials>();
  if (!opt.noDevCredentials) credentials->add("test", "test");
  if (!opt.credentialsFile.empty()) credentials->loadFile(opt.credentialsFile);
  if (credentials->empty())
    throw std::runtime_error("no credentials: pass --credentials-file or allow the dev default");
  return credentials;
}

/// `--tls-listen off`: no TLS listener (custom domain names are then served on the plain one only).
bool tlsListenerWanted(const ServeOptions& opt) {
  return opt.tlsListen != "off";
}

/// admin, data, then (unless off) tls, then (when asked) metrics: the order of the server's routes.
std::vector<http::ListenAddress> listenAddresses(const ServeOptions& opt) {
  auto [adminHost, adminPort] = parseHostPort(opt.adminListen, "--admin-listen");
  auto [dataHost, dataPort] = parseHostPort(opt.listen, "--listen");
  std::vector<http::ListenAddress> out{{"admin", adminHost, adminPort}, {"data", dataHost, dataPort}};
  if (tlsListenerWanted(opt)) {
    auto [tlsHost, tlsPort] = parseHostPort(opt.tlsListen, "--tls-listen");
    out.push_back({"tls", tlsHost, tlsPort});
  }
  if (!opt.metricsListen.empty()) {
    auto [metricsHost, metricsPort] = parseHostPort(opt.metricsListen, "--metrics-listen");
    out.push_back({"metrics", metricsHost, metricsPort});
  }
  return out;
}

http::RequestLimits connectionLimits(const ServeOptions& opt) {
  http::RequestLimits limits;
  limits.maxConnections = opt.maxConnections;
  limits.maxConnectionsPerClient = opt.maxConnectionsPerClient;
  limits.idleTimeout = std::chrono::seconds(opt.keepAliveSeconds);
  return limits;
}

http::RequestLimits adminLimits(const ServeOptions& opt) {
  http::RequestLimits limits = connectionLimits(opt);
  limits.bodyBytes = 70167211;  // CreateFunction's limit: a 50 MB zip, base64 in JSON
  limits.requestTimeout = std::chrono::seconds(120);
  return limits;
}

/// A start-up configuration result, or the error as the exception `portico serve` reports.
template <typename T>
T orThrow(Result<T> r) {
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(r).value();
}

}  // namespace

int serve(const ServeOptions& opt) {
  spdlog::set_level(spdlog::level::from_str(opt.logLevel));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  const sigset_t stopSignals = blockStopSignals();
  const std::filesystem::path dataDir(opt.dataDir);
  std::filesystem::create_directories(dataDir);

  // What both planes share.
  auto store = store::makeSqliteStore(dataDir / "portico.db");
  auto credentials = loadCredentials(opt);
  SystemClock clock;
  auto templates = vtl::makeVelocityTemplateEngine();
  gateway::StageRegistry registry;
  gateway::DomainRegistry domains;  // custom domain names and their base path mappings
  gateway::UsageRegistry usage;
  // Requests counted against quotas are journaled before they are answered (a crash forgets none).
  gateway::UsageJournal usageJournal(dataDir / "usage-journal");
  gateway::QuotaCounters quotas(*store, opt.noUsageJournal ? nullptr : &usageJournal);

  // The worker loops, and the listeners bound on them (so handlers know their addresses).
  http::WorkerLoops loops(opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency()));
  http::Listeners listeners(loops, listenAddresses(opt));
  const std::string adminAddr = listeners.address(0), dataAddr = listeners.address(1);
  const std::string tlsAddr = tlsListenerWanted(opt) ? listeners.address(2) : std::string();
  http::TlsCatalog tls;  // the custom domains' certificates, published with the domains

  // Where and as whom Portico calls AWS services (integrations of type AWS), read once.
  const aws::Environment environment = aws::processEnvironment();
  const aws::AwsEndpoints awsEndpoints = orThrow(aws::AwsEndpoints::configure(opt.awsEndpoints, environment));
  const aws::AwsCredentialChain awsCredentials =
      orThrow(aws::AwsCredentialChain::load(opt.awsRoleCredentials, environment));

  // What functions are granted: per-environment keys the management API accepts (their role's
  // configured ones, else minted here), and Portico's APIs and the AWS endpoints forwarded in.
  auth::TemporaryCredentials minted(clock);
  const auth::CredentialChain acceptedKeys(*credentials, minted);
  FunctionCredentialIssuer issuer(minted, awsCredentials, std::chrono::seconds(opt.functionCredentialsSeconds));
  const functions::FunctionGrants grants = functionGrants(adminAddr, awsEndpoints, &issuer);

  // Every request's and invocation's counts (Prometheus' /metrics, CloudWatch's statistics).
  metrics::MetricsRegistry metricsRegistry(clock);
  metrics::MetricsRegistry* const counting = opt.noMetrics ? nullptr : &metricsRegistry;
  FunctionsPart functions(opt, *store, clock, kAccountId, grants, counting);
  gateway::LogGroups logGroups;  // the stages' access and execution logs (CloudWatch Logs groups)
  DataPlanePart data(opt, {loops, functions.runtime, acceptedKeys, clock, registry, domains, usage, quotas,
                           awsEndpoints, awsCredentials, kAccountId, &logGroups});

  // The stage caches (cacheClusterEnabled), in this process's memory, each bounded by its size.
  gateway::StageCaches stageCaches([&clock](std::size_t budget) -> std::shared_ptr<gateway::ResponseCache> {
    return std::make_shared<gateway::MemoryResponseCache>(budget, clock);
  });

  // The control plane: the management APIs' routes over the same components.
  control::RouteTable routes;
  control::apigateway::ApiGatewayContext apigw{.store = *store,
                                               .clock = clock,
                                               .templates = *templates,
                                               .registry = registry,
                                               .usage = usage,
                                               .quotas = quotas,
                                               .invoker = &functions.runtime,
                                               .pipeline = &data.pipeline,
                                               .authorization = &data.authorization,
                                               .domains = &domains,
                                               .tls = &tls,
                                               .awsCredentials = &awsCredentials,
                                               .aws = &data.awsClient,
                                               .caches = &stageCaches,
                                               .metrics = counting,
                                               .accountRateLimit = opt.accountRateLimit,
                                               .accountBurstLimit = opt.accountBurstLimit,
                                               .accountId = kAccountId,
                                               .region = opt.region};
  control::apigateway::registerApiGatewayRoutes(routes, apigw);
  std::size_t stages = control::apigateway::publishAllStages(apigw);
  control::apigateway::publishUsage(apigw);
  control::apigateway::publishDomains(apigw);
  boost::asio::thread_pool blockingPool(1);  // code uploads unpack off the serving loops
  control::lambda::LambdaContext lambdaCtx{.store = *store,
                                           .clock = clock,
                                           .catalog = functions.catalog,
                                           .code = functions.code,
                                           .invoker = functions.runtime,
                                           .logs = functions.logs,
                                           .sandboxWarning = functions.sandboxWarning(),
                                           .codeUrlBase = "http://" + adminAddr,
                                           .codeUrlKey = hexEncode(randomBytes(32)),  // signs code URLs
                                           .functionUrlPort = dataAddr.substr(dataAddr.rfind(':') + 1),
                                           .account = &functions.account,
                                           .provisioner = &functions.runtime,
                                           .blockingExecutor = blockingPool.get_executor(),
                                           .aws = &data.awsClient,
                                           .awsCredentials = &awsCredentials,
                                           .region = opt.region,
                                           .interpreters = functions::probeInterpreters()};
  control::lambda::registerLambdaRoutes(routes, lambdaCtx);
  control::lambda::publishReservedConcurrency(lambdaCtx);
  control::lambda::publishProvisionedConcurrency(lambdaCtx);
  // The services on the root path: CloudWatch Logs and Certificate Manager (JSON 1.1), CloudWatch
  // (query).
  control::TargetRouter targets;
  control::logs::registerLogsRoutes(targets, {functions.logs, logGroups, *store, clock, opt.region, kAccountId});
  control::acm::LocalCa localCa(dataDir);
  control::acm::AcmContext acm{
      .store = *store,
      .clock = clock,
      .ca = localCa,
      .region = opt.region,
      .accountId = kAccountId,
      .usedBy = [&apigw](const std::string& arn) { return control::apigateway::domainsUsingCertificate(apigw, arn); }};
  control::acm::registerAcmRoutes(targets, acm);
  control::cloudwatch::registerCloudWatchRoutes(targets, {metricsRegistry, clock});  // the query protocol's
  routes.add(boost::beast::http::verb::post, "", [&targets](const control::AdminCall& call) { return targets(call); });

  control::console::ConsoleSessions consoleSessions(
      *credentials, clock, control::console::ConsoleSessions::loadOrCreateKey(dataDir / "console.key"));
  control::console::ConsoleAssets consoleAssets(opt.consoleDir.empty() ? defaultConsoleDir()
                                                                       : std::filesystem::path(opt.consoleDir));
  control::console::ConsoleHandler console(consoleSessions, consoleAssets,
                                           {opt.region, kAccountId, "http://" + dataAddr});
  control::MetricsEndpoint metricsEndpoint(metricsRegistry);
  control::MetricsHandler metricsHandler(metricsEndpoint);
  control::AdminHandler admin(routes, acceptedKeys, clock,
                              {opt.region,
                               &console,
                               {control::lambda::makeCodeDownloadEndpoint(lambdaCtx)},
                               loops.size(),
                               opt.metricsListen.empty() && counting ? &metricsEndpoint : nullptr});

  // Function URLs are answered on the data listeners before API Gateway's addressing is tried.
  function_urls::FunctionUrlDirectory functionUrls(*store);
  function_urls::FunctionUrlHandler dataHandler(functionUrls, functions.runtime, acceptedKeys, clock,
                                                {opt.region, kAccountId}, data.handler);
  std::vector<http::ListenerRoute> listenerRoutes{{&admin, adminLimits(opt)}, {&dataHandler, connectionLimits(opt)}};
  if (tlsListenerWanted(opt)) listenerRoutes.push_back({&dataHandler, connectionLimits(opt), &tls});
  if (!opt.metricsListen.empty()) listenerRoutes.push_back({&metricsHandler, connectionLimits(opt)});
  http::Server server(loops, listeners, std::move(listenerRoutes));
  functions.start();
  // Quota counts reach the store once a second (and at shutdown), off the request path; a failed
  // write is tried again at the next tick (the counts stay in memory, and in the usage journal).
  http::PeriodicTimer quotaFlusher(functions.loop(), std::chrono::seconds(1), "writing quota counts",
                                   [&quotas] { quotas.flush(); });
  // What the metric series counted goes into its minute every 5 s (CloudWatch's statistics).
  http::PeriodicTimer metricsRoller(functions.loop(), std::chrono::seconds(5), "rolling the metrics",
                                    [&metricsRegistry] { metricsRegistry.roll(); });

  std::optional<std::string> demoId;
  if (opt.demo) demoId = app::ensureDemoApi(routes);
  printBanner(std::cout,
              {loops.size(), adminAddr, dataAddr, tlsAddr, std::filesystem::absolute(dataDir).string(),
               !opt.noDevCredentials, consoleAssets.available(), consoleAssets.dir().string(),
               functions.sandbox->describe(), runtimesLine(lambdaCtx.interpreters), demoId, stages + (demoId ? 1 : 0)});
  for (const auto& file : opt.imports) {
    std::cout << describeImport(importAndDeploy(routes, file, opt.importStage), opt.importStage, dataAddr);
  }
  std::cout << std::flush;
  std::optional<ImportWatcher> watcher;
  if (opt.watch && !opt.imports.empty()) {
    watcher.emplace(routes, std::vector<std::filesystem::path>(opt.imports.begin(), opt.imports.end()), opt.importStage,
                    dataAddr);
  }
  if (!functions.sandbox->isolated())
    spdlog::warn("functions run WITHOUT a sandbox: {}", functions.sandbox->describe());
  if (!opt.readyFile.empty()) writeReadyFile(opt.readyFile, adminAddr, dataAddr, tlsAddr);

  std::thread signalThread([&server, stopSignals, drain = std::chrono::seconds(opt.drainSeconds)] {
    int sig = 0;
    sigwait(&stopSignals, &sig);
    spdlog::info("received {}, draining in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stopGracefully(drain);
  });
  server.run();
  watcher.reset();      // no re-import once the server has stopped
  functions.stop();     // the functions loop, then every execution environment
  quotaFlusher.stop();  // the loop is gone: no tick runs concurrently
  metricsRoller.stop();
  // Invocations the drain cut short end now that their runtimes are dead: let them unwind (and
  // answer) before any loop is destroyed, since one that crossed to another worker's loop is owned
  // by that loop's queue. (Before the upstream pools go: what resumes may still use them.)
  std::vector<boost::asio::io_context*> stopped = loops.all();
  stopped.push_back(&functions.loop());
  http::runWhatIsLeft(stopped);
  data.closeUpstreams();  // pooled sockets belong to the worker loops: closed while they exist
  quotas.flush();
  pthread_kill(signalThread.native_handle(), SIGTERM);  // wakes it if the server stopped otherwise
  signalThread.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace portico::app
