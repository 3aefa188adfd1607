// Handler: what a listener calls for each parsed HTTP request.
//
// The server owns connections and framing; a Handler turns one request into one
// response. Requests and responses are Beast messages with string bodies.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

namespace portico::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

/// Per-request facts about the connection.
struct ConnectionInfo {
  std::string peerAddress;   // client IP
  unsigned workerIndex = 0;  // the event loop this connection lives on (0..threads-1)
};

class Handler {
 public:
  virtual ~Handler() = default;
  /// Produces the response for req. Runs on the connection's event loop; must not block for long.
  /// Exceptions are caught by the server and become a 500.
  virtual boost::asio::awaitable<Response> handle(Request& req, const ConnectionInfo& conn) = 0;
};

}  // namespace portico::http
