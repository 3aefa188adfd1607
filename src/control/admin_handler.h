// AdminHandler: the management listener's http::Handler. Verifies SigV4, routes
// the call through the RouteTable and writes AWS-shaped replies and errors.
#pragma once
#include "common/clock.h"
#include "control/route_table.h"
#include "control/sigv4_verifier.h"
#include "http/handler.h"

namespace portico::control {

class AdminHandler final : public http::Handler {
 public:
  /// All borrowed; they must outlive the handler.
  AdminHandler(const RouteTable& routes, const CredentialSource& credentials, const Clock& clock)
      : routes_(routes), credentials_(credentials), clock_(clock) {}

  boost::asio::awaitable<http::Response> handle(http::Request& req, const http::ConnectionInfo& conn) override;

  /// The synchronous core of handle(), for tests.
  http::Response handleSync(const http::Request& req) const;

 private:
  const RouteTable& routes_;
  const CredentialSource& credentials_;
  const Clock& clock_;
};

}  // namespace portico::control
