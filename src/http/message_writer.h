// writeMessage: sends a whole HTTP/1.x message as one gather write: the head text, then the body
// as it is, or (chunked) as one chunk and the last chunk. Beast's general serializer walks nested
// buffer-sequence views per write, which cost about a third of a small request's instructions,
// and its composed operations over each stream type were the heaviest instantiations of the build.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <string>

#include "http/body_stream.h"
#include "http/handler.h"

namespace portico::http {

/// "HTTP/1.1 200 OK\r\n", each field, then the blank line. Fields whose name or value holds CR, LF
/// or NUL are left out (they would split the message).
std::string serializeHead(const Response& res);
/// "GET /target HTTP/1.1\r\n", each field, then the blank line.
std::string serializeHead(const Request& req);

boost::asio::awaitable<boost::beast::error_code> writeMessage(boost::beast::tcp_stream& stream, Response& res);
boost::asio::awaitable<boost::beast::error_code> writeMessage(boost::beast::tcp_stream& stream, Request& req);
boost::asio::awaitable<boost::beast::error_code> writeMessage(
    boost::beast::ssl_stream<boost::beast::tcp_stream>& stream, Request& req);
boost::asio::awaitable<boost::beast::error_code> writeMessage(
    boost::beast::ssl_stream<boost::beast::tcp_stream>& stream, Response& res);

/// Writes res (head and the body it holds), then relays `rest` piece by piece as it arrives: as is
/// when res has a Content-Length (which must count both parts), chunked when res says chunked, else
/// up to the connection's end (HTTP/1.0). Each write gets writeTimeout. Any error (the client's or
/// the source's) is returned: the message is then incomplete and the connection must be closed.
boost::asio::awaitable<boost::beast::error_code> relayMessage(boost::beast::tcp_stream& stream, Response& res,
                                                              BodyStream& rest,
                                                              std::chrono::steady_clock::duration writeTimeout);
boost::asio::awaitable<boost::beast::error_code> relayMessage(
    boost::beast::ssl_stream<boost::beast::tcp_stream>& stream, Response& res, BodyStream& rest,
    std::chrono::steady_clock::duration writeTimeout);

}  // namespace portico::http
