// readRequest: reads one request off a connection, parsing what is buffered first (a request that
// arrived whole costs no further I/O), with the listener's limits (head size and field count, body
// size, the request timeout), the framing checks of request_framing, the handler's verdict on the
// head before any body is read (Handler::checkHead), the listener's budget for bodies in flight,
// and an interim 100 Continue when the client asks for one.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstddef>
#include <optional>

#include "http/handler.h"
#include "http/listener_load.h"
#include "http/request_limits.h"

namespace portico::http {

/// How much one read asks the socket for.
constexpr std::size_t kRequestReadChunk = 16 * 1024;

/// What reading one request came to: the request, or a refusal to send before closing, or neither
/// (a timeout, a reset, the client gone mid-request: the connection ends without an answer).
struct RequestRead {
  std::optional<Request> request;
  std::optional<Response> refusal;  // 400, 413, 431, 501, 503 or the handler's from the head
};

/// Reads the request that starts at buf's front (at least one byte is buffered); bytes after it stay
/// in buf. The request's body bytes are reserved in `body`, to be held until it has been answered.
boost::asio::awaitable<RequestRead> readRequest(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buf,
                                                Handler& handler, const RequestLimits& limits,
                                                const ConnectionInfo& conn, BodyReservation& body);
boost::asio::awaitable<RequestRead> readRequest(boost::beast::ssl_stream<boost::beast::tcp_stream>& stream,
                                                boost::beast::flat_buffer& buf, Handler& handler,
                                                const RequestLimits& limits, const ConnectionInfo& conn,
                                                BodyReservation& body);

}  // namespace portico::http
