// Handler: what a listener calls for each parsed HTTP request.
//
// The server owns connections and framing; a Handler turns one request into one
// response. Requests and responses are Beast messages with string bodies; a response whose body is
// still arriving carries the rest as a BodyStream.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>

#include "http/body_stream.h"

namespace portico::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

/// What a handler answers: a response, and when its body is still arriving, the rest of it (the
/// server writes the response's head and body, then relays `rest`).
struct Reply {
  Reply() = default;
  Reply(Response r) : response(std::move(r)) {}  // NOLINT(google-explicit-constructor): most replies are whole
  Response response;
  std::unique_ptr<BodyStream> rest;
};

/// Per-request facts about the connection.
struct ConnectionInfo {
  std::string peerAddress;    // client IP
  unsigned workerIndex = 0;   // the event loop this connection lives on (0..threads-1)
  bool tls = false;           // came on the TLS listener
  std::string serverName;     // TLS: the SNI the client sent (lower case)
  std::string clientCertPem;  // mutual TLS: the client's certificate, as it presented it
};

/// What a handler says of a request from its head alone, before the server reads the body.
struct HeadVerdict {
  std::optional<Response> reject;        // answer this now (the body is never read; the connection closes)
  std::optional<std::size_t> bodyLimit;  // a smaller body limit than the listener's for this request
};

class Handler {
 public:
  virtual ~Handler() = default;
  /// Called once a request's head has arrived, before any of its body is read: a handler that
  /// can refuse a request from its head (no credentials, a bad signature) or bound its body
  /// more tightly does it here, so an unauthenticated client never makes the server hold a body.
  virtual HeadVerdict checkHead(const boost::beast::http::request_header<>& /*head*/, const ConnectionInfo& /*conn*/) {
    return {};
  }
  /// Produces the response for req. Runs on the connection's event loop; must not block for long.
  /// Exceptions are caught by the server and become a 500.
  virtual boost::asio::awaitable<Reply> handle(Request& req, const ConnectionInfo& conn) = 0;
};

}  // namespace portico::http
