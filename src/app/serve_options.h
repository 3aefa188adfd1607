// ServeOptions: what `portico serve` is told (flags, environment variables, a config file), and
// the CLI11 definitions that fill it.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace portico::app {

struct ServeOptions {
  std::string dataDir = "./portico-data";
  std::string adminListen = "127.0.0.1:4566";
  std::string listen = "127.0.0.1:8080";
  std::string tlsListen = "127.0.0.1:8443";  // custom domain names over HTTPS (SNI picks the certificate)
  std::string metricsListen;  // --metrics-listen: /metrics on a listener of its own ("": on the management one)
  std::string accessLog;      // --access-log: where stages' access log lines go (a file, "-" = stdout; "" = nowhere)
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
  int functionCredentialsSeconds = 43200;  // lifetime of the keys minted for each environment
  int drainSeconds = 25;
  double asyncRetrySeconds = 60;
  bool noSandbox = false;
  bool noUsageJournal = false;
  bool noMetrics = false;  // --no-metrics: nothing counts (no /metrics, CloudWatch's statistics empty)
  std::string functionNetwork = "outbound";    // none | outbound
  std::string functionFreeze = "on";           // on | off
  std::size_t maxConnections = 10000;          // per listener
  std::size_t maxConnectionsPerClient = 1000;  // per listener and client address
  int keepAliveSeconds = 60;                   // how long an idle keep-alive connection is kept open
  double accountRateLimit = 10000;             // AWS's default account throttle (requests/s)
  double accountBurstLimit = 5000;
  std::string jwksDir;                    // Cognito user pool keys (<pool id>.json); default <data dir>/jwks
  std::string consoleDir;                 // the built web console; default <directory of the binary>/console
  std::vector<std::string> awsEndpoints;  // "service=URL": where AWS integrations reach each service
  std::string awsRoleCredentials;         // file of "ROLE_ARN KEY_ID SECRET [TOKEN]" lines
  std::vector<std::string> imports;       // OpenAPI documents imported and deployed at start
  std::string importStage = "dev";        // the stage they are deployed to
  bool watch = false;                     // re-import a document when it changes
};

/// The command line: `portico serve [flags]` or `portico version`; the process's exit status.
/// (Here, beside serve's flags, so that CLI11's header is compiled once.)
int runCommandLine(int argc, char** argv);

/// Defines serve's flags (each with its PORTICO_* environment variable) on `serve`, bound to `opt`.
void addServeOptions(CLI::App& serve, ServeOptions& opt);

struct HostPort {
  std::string host;
  unsigned short port = 0;
};
/// "HOST:PORT" ("[::1]:80" too); a CLI::ValidationError naming `flag` when it is not one.
HostPort parseHostPort(const std::string& text, const char* flag);

/// The console beside the binary (<dir of /proc/self/exe>/console), else ./console.
std::filesystem::path defaultConsoleDir();

}  // namespace portico::app
