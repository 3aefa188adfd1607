// ConsoleHandler: the web console's side of the management listener. Serves the console's
// files under /console/, its login API under /console/api/ (login, session, logout), and
// authenticates the console's management calls: a session cookie plus the session's CSRF
// token in X-Portico-Csrf stand in for a SigV4 signature. The console thus calls the same
// AWS-shaped operations the CLI does and has no powers the API lacks.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/console/console_assets.h"
#include "control/console/console_sessions.h"
#include "http/handler.h"

namespace portico::control::console {

/// What the console is told about this server at login.
struct ConsoleInfo {
  std::string region = "us-east-1";
  std::string accountId = "000000000000";
  std::string dataPlaneUrl;  // "http://127.0.0.1:8080"
};

class ConsoleHandler {
 public:
  static constexpr std::string_view kCsrfHeader = "X-Portico-Csrf";

  /// Both borrowed.
  ConsoleHandler(const ConsoleSessions& sessions, const ConsoleAssets& assets, ConsoleInfo info)
      : sessions_(sessions), assets_(assets), info_(std::move(info)) {}

  /// Whether `path` is the console's ("/console" or below).
  static bool owns(std::string_view path) { return path == "/console" || path.starts_with("/console/"); }
  /// Answers a request for one of the console's paths.
  http::Response handle(const http::Request& req, std::string_view path) const;

  /// For a management call without an Authorization header: nullopt when it carries no console
  /// cookie; else the session's access key id, or the error to answer (401 expired session,
  /// 403 missing or wrong CSRF token).
  std::optional<Result<std::string>> authenticate(const http::Request& req) const;

 private:
  http::Response login(const http::Request& req) const;
  http::Response sessionReply(const Session& s) const;

  const ConsoleSessions& sessions_;
  const ConsoleAssets& assets_;
  ConsoleInfo info_;
};

}  // namespace portico::control::console
