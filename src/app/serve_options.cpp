#include "app/serve_options.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "app/serve.h"
#include "common/parse_number.h"
#include "control/acm/local_ca.h"

namespace portico::app {

void addServeOptions(CLI::App& serve, ServeOptions& opt) {
  serve.set_config("--config", "", "Read options from a TOML/INI config file");
  serve.add_option("--data-dir", opt.dataDir, "Where state is kept (SQLite)")
      ->envname("PORTICO_DATA_DIR")
      ->capture_default_str();
  serve.add_option("--admin-listen", opt.adminListen, "HOST:PORT of the management API (port 0 = any)")
      ->envname("PORTICO_ADMIN_LISTEN")
      ->capture_default_str();
  serve.add_option("--listen", opt.listen, "HOST:PORT of the data plane (port 0 = any)")
      ->envname("PORTICO_LISTEN")
      ->capture_default_str();
  serve.add_option("--threads", opt.threads, "Worker threads (default: one per core)")->envname("PORTICO_THREADS");
  serve
      .add_option("--tls-listen", opt.tlsListen,
                  "HOST:PORT of the data plane over TLS, for custom domain names: the client's SNI picks the "
                  "domain's certificate (port 0 = any; off = no TLS listener)")
      ->envname("PORTICO_TLS_LISTEN")
      ->capture_default_str();
  serve
      .add_option("--metrics-listen", opt.metricsListen,
                  "HOST:PORT where Prometheus scrapes GET /metrics instead of the management listener (port 0 = any)")
      ->envname("PORTICO_METRICS_LISTEN");
  serve
      .add_option("--aws-endpoint", opt.awsEndpoints,
                  "SERVICE=URL: where AWS integrations reach a service instead of AWS (repeatable; e.g. "
                  "s3=http://127.0.0.1:9000; also PORTICO_AWS_ENDPOINT_<SERVICE>, AWS_ENDPOINT_URL[_<SERVICE>])")
      ->allow_extra_args(false);
  serve
      .add_option("--aws-role-credentials", opt.awsRoleCredentials,
                  "File of 'ROLE_ARN KEY_ID SECRET [TOKEN]' lines: the keys an integration's credentials role "
                  "signs with (others use AWS_ACCESS_KEY_ID or ~/.aws/credentials)")
      ->envname("PORTICO_AWS_ROLE_CREDENTIALS");
  serve.add_option("--ready-file", opt.readyFile, "Write {admin,data,tls,pid} JSON here once listening");
  serve
      .add_option("--credentials-file", opt.credentialsFile,
                  "Access keys the management API accepts: 'KEY_ID SECRET' per line")
      ->envname("PORTICO_CREDENTIALS_FILE");
  serve.add_flag("--no-dev-credentials", opt.noDevCredentials, "Refuse the dev default test/test")
      ->envname("PORTICO_NO_DEV_CREDENTIALS");
  serve.add_flag("--demo", opt.demo, "Create and deploy a small example API on start");
  serve.add_option("--region", opt.region, "AWS region Portico reports")
      ->envname("PORTICO_REGION")
      ->capture_default_str();
  serve.add_option("--log-level", opt.logLevel, "trace, debug, info, warn, error")
      ->envname("PORTICO_LOG_LEVEL")
      ->capture_default_str();

  serve
      .add_option("--account-rate-limit", opt.accountRateLimit,
                  "Account-level throttle: requests per second across every stage")
      ->envname("PORTICO_ACCOUNT_RATE_LIMIT")
      ->capture_default_str();
  serve.add_option("--account-burst-limit", opt.accountBurstLimit, "Account-level throttle: burst size")
      ->envname("PORTICO_ACCOUNT_BURST_LIMIT")
      ->capture_default_str();
  serve
      .add_option("--access-log", opt.accessLog,
                  "Where the access log lines of stages with accessLogSettings go: a file (appended) or - for stdout")
      ->envname("PORTICO_ACCESS_LOG");
  serve
      .add_option("--jwks-dir", opt.jwksDir,
                  "Cognito user pool keys for COGNITO_USER_POOLS authorizers: <pool id>.json (default <data-dir>/jwks)")
      ->envname("PORTICO_JWKS_DIR");
  serve
      .add_option("--console-dir", opt.consoleDir,
                  "The built web console (index.html, assets/); default: 'console' beside the binary")
      ->envname("PORTICO_CONSOLE_DIR");
  serve
      .add_option("--function-concurrency", opt.functionConcurrency,
                  "Account-wide limit of concurrent function executions")
      ->envname("PORTICO_FUNCTION_CONCURRENCY")
      ->capture_default_str();
  serve
      .add_option("--function-unreserved-minimum", opt.unreservedMinimum,
                  "Concurrency that reserved concurrency must leave to the other functions (Lambda: 100)")
      ->envname("PORTICO_FUNCTION_UNRESERVED_MINIMUM")
      ->capture_default_str();
  serve
      .add_option("--function-idle-seconds", opt.functionIdleSeconds,
                  "Seconds an idle warm execution environment is kept")
      ->envname("PORTICO_FUNCTION_IDLE_SECONDS")
      ->capture_default_str();
  serve
      .add_option("--import", opt.imports,
                  "An OpenAPI / Swagger document (JSON or YAML) to import at start and deploy to --stage "
                  "(repeatable); an API imported before is overwritten")
      ->envname("PORTICO_IMPORT");
  serve.add_option("--stage", opt.importStage, "The stage --import deploys to")
      ->envname("PORTICO_STAGE")
      ->capture_default_str();
  serve.add_flag("--watch", opt.watch, "Re-import and redeploy an --import document when it changes")
      ->envname("PORTICO_WATCH");
  serve
      .add_option("--function-credentials-seconds", opt.functionCredentialsSeconds,
                  "Lifetime of the temporary credentials each function environment gets (it is not reused "
                  "past them)")
      ->envname("PORTICO_FUNCTION_CREDENTIALS_SECONDS")
      ->check(CLI::Range(1, 129600))
      ->capture_default_str();
  serve
      .add_option("--async-retry-seconds", opt.asyncRetrySeconds,
                  "Delay before retrying a failed Event invocation (the second retry waits twice as long)")
      ->envname("PORTICO_ASYNC_RETRY_SECONDS")
      ->capture_default_str();
  serve
      .add_option("--drain-seconds", opt.drainSeconds,
                  "On SIGTERM/SIGINT, how long in-flight requests may take to finish before Portico stops")
      ->envname("PORTICO_DRAIN_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  serve.add_flag("--no-sandbox", opt.noSandbox, "Run functions as plain processes (no bubblewrap)")
      ->envname("PORTICO_NO_SANDBOX");
  serve
      .add_flag("--no-usage-journal", opt.noUsageJournal,
                "Do not journal quota counts before answering (a crash may then forget up to a second of them)")
      ->envname("PORTICO_NO_USAGE_JOURNAL");
  serve
      .add_flag("--no-metrics", opt.noMetrics,
                "Count nothing: no /metrics, and CloudWatch's GetMetricStatistics answers no datapoints")
      ->envname("PORTICO_NO_METRICS")
      ->excludes("--metrics-listen");
  serve
      .add_option("--max-connections", opt.maxConnections,
                  "Open connections each listener keeps; beyond, an idle keep-alive one is closed, else the new one")
      ->envname("PORTICO_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  serve
      .add_option("--keep-alive-seconds", opt.keepAliveSeconds,
                  "Seconds an idle keep-alive connection is kept open before Portico closes it (clients reconnect)")
      ->envname("PORTICO_KEEP_ALIVE_SECONDS")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      .add_option("--max-connections-per-client", opt.maxConnectionsPerClient,
                  "Open connections one client address may hold on each listener")
      ->envname("PORTICO_MAX_CONNECTIONS_PER_CLIENT")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  serve
      .add_option("--function-network", opt.functionNetwork,
                  "Functions' network: 'outbound' (their own namespace, outside addresses through slirp4netns, "
                  "the host unreachable) or 'none' (loopback only)")
      ->envname("PORTICO_FUNCTION_NETWORK")
      ->check(CLI::IsMember({"none", "outbound"}))
      ->capture_default_str();
  serve
      .add_option("--function-freeze", opt.functionFreeze,
                  "'on': idle execution environments are frozen between invocations, as on Lambda; 'off' lets "
                  "their background work run on (unlike Lambda; e.g. to attach a debugger)")
      ->envname("PORTICO_FUNCTION_FREEZE")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
}

HostPort parseHostPort(const std::string& text, const char* flag) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw CLI::ValidationError(flag, "expected HOST:PORT, got '" + text + "'");
  int port = parseNumber<int>(std::string_view(text).substr(colon + 1)).value_or(-1);
  if (port < 0 || port > 65535) throw CLI::ValidationError(flag, "bad port in '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, static_cast<unsigned short>(port)};
}

std::filesystem::path defaultConsoleDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path("console") : exe.parent_path() / "console";
}

namespace {

int printLocalCa(const std::string& dataDir) {
  try {
    std::filesystem::create_directories(dataDir);
    control::acm::LocalCa ca(dataDir);
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    auto authority = ca.authority(now.count());
    if (!authority) {
      std::cerr << "portico: " << authority.error().message << "\n";
      return 1;
    }
    std::cout << authority->certificatePem;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "portico: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

namespace {

/// `portico serve ...` parsed by an App of its own: CLI11 (2.1) reads a config file only for the
/// top-level App it parses, never for a subcommand's --config.
int runServe(int argc, char** argv) {
  CLI::App serveApp{"Run the management API and the data plane", "portico serve"};
  ServeOptions opt;
  addServeOptions(serveApp, opt);
  serveApp.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error, never ignored
  try {
    serveApp.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return serveApp.exit(e);
  }
  try {
    return serve(opt);
  } catch (const std::exception& e) {
    std::cerr << "portico: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int runCommandLine(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "serve") return runServe(argc - 1, argv + 1);
  CLI::App app{"Portico: a self-hosted, AWS-compatible API Gateway and Lambda platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("portico ") + PORTICO_VERSION);

  ServeOptions opt;
  auto* serveCmd = app.add_subcommand("serve", "Run the management API and the data plane");
  addServeOptions(*serveCmd, opt);

  auto* versionCmd = app.add_subcommand("version", "Print the version");
  std::string caDataDir = opt.dataDir;
  auto* caCmd = app.add_subcommand(
      "ca",
      "Print the PEM certificate of Portico's local certificate authority (created on first use), which "
      "signs the certificates 'aws acm request-certificate' asks for: trust it to call local HTTPS domains");
  caCmd->add_option("--data-dir", caDataDir, "Where state is kept")->envname("PORTICO_DATA_DIR")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (versionCmd->parsed()) {
    std::cout << "portico " << PORTICO_VERSION << "\n";
    return 0;
  }
  if (caCmd->parsed()) return printLocalCa(caDataDir);
  return 0;  // (serve is parsed by runServe)
}

}  // namespace portico::app
