// AdminHandler: the management listener's http::Handler. Verifies SigV4, routes
// the call through the RouteTable and writes AWS-shaped replies and errors. Every response it
// writes (errors, refused signatures and unknown routes included) carries x-amzn-RequestId, as
// AWS's do (the SDKs report it as ResponseMetadata.RequestId).
// Paths under /_portico/ are Portico's own (health, pre-signed code downloads) and
// are not SigV4-signed; /console/ is the web console (console/console_handler.h), whose
// calls authenticate with a session cookie and CSRF token instead of SigV4.
#pragma once
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "auth/sigv4_verifier.h"
#include "common/clock.h"
#include "common/id_generator.h"
#include "control/console/console_handler.h"
#include "control/metrics_endpoint.h"
#include "control/route_table.h"
#include "http/handler.h"

namespace portico::control {

/// Answers an unsigned /_portico/... path (path, query), or nullopt when it is not one of its own.
using UnsignedEndpoint = std::function<std::optional<http::Response>(std::string_view, std::string_view)>;

struct AdminOptions {
  std::string region;                                // a request's credential scope must name it ("": any)
  const console::ConsoleHandler* console = nullptr;  // serves /console/ (borrowed; optional)
  std::vector<UnsignedEndpoint> unsignedEndpoints;   // under /_portico/ (e.g. function code downloads)
  unsigned threads = 1;                              // the server's workers (request ids: one generator each)
  const MetricsEndpoint* metrics = nullptr;          // serves GET /metrics unsigned (borrowed; optional)
};

class AdminHandler final : public http::Handler {
 public:
  /// All borrowed; they must outlive the handler.
  AdminHandler(const RouteTable& routes, const auth::CredentialSource& credentials, const Clock& clock,
               AdminOptions options = {})
      : routes_(routes),
        credentials_(credentials),
        clock_(clock),
        unsigned_(std::move(options.unsignedEndpoints)),
        console_(options.console),
        metrics_(options.metrics),
        region_(std::move(options.region)) {
    for (unsigned i = 0; i < std::max(1u, options.threads); ++i) ids_.push_back(std::make_unique<IdGenerator>());
  }

  boost::asio::awaitable<http::Reply> handle(http::Request& req, const http::ConnectionInfo& conn) override;
  /// Refuses unsigned and wrongly signed calls from their head (the body is never read), and
  /// bounds the body of every call but the few that upload code to kSmallBodyBytes.
  http::HeadVerdict checkHead(const boost::beast::http::request_header<>& head,
                              const http::ConnectionInfo& conn) override;

  /// The body limit of calls that do not upload function code (API Gateway's imports are 6 MB).
  static constexpr std::size_t kSmallBodyBytes = 10 * 1024 * 1024;

  /// The synchronous core of handle() (asynchronous operations answer 500), for tests: it draws
  /// request ids from worker 0's generator, so it must not run beside a worker serving requests.
  http::Response handleSync(const http::Request& req) const;

  /// The response header every management response carries: a fresh UUID per request, unless the
  /// operation set its own (Invoke: the invocation's request id).
  static constexpr std::string_view kRequestIdHeader = "x-amzn-RequestId";

 private:
  struct Prepared;
  /// Authenticates and routes; a response when it can answer at once.
  std::variant<http::Response, Prepared> prepare(const http::Request& req) const;
  /// Sets x-amzn-RequestId on res when the operation did not (the worker's generator).
  void stampRequestId(http::Response& res, unsigned workerIndex) const;

  const RouteTable& routes_;
  const auth::CredentialSource& credentials_;
  const Clock& clock_;
  mutable auth::SigningKeyCache signingKeys_;  // a cache: not part of the handler's state
  const std::vector<UnsignedEndpoint> unsigned_;
  const console::ConsoleHandler* const console_;
  const MetricsEndpoint* const metrics_;
  const std::string region_;
  std::vector<std::unique_ptr<IdGenerator>> ids_;  // one per worker, no sharing (drawn from by const calls)
};

}  // namespace portico::control
