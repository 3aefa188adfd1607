#include "http/message_writer.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace {

/// Whether a field can go on the wire: no CR, LF or NUL (a value mapped from a decoded query
/// string could otherwise smuggle headers or a whole request). Such fields are left out.
bool writable(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

template <bool isRequest>
void appendFields(std::string& out, const bhttp::header<isRequest>& head) {
  for (const auto& f : head) {
    if (!writable(f.name_string()) || !writable(f.value())) continue;
    out += f.name_string();
    out += ": ";
    out += f.value();
    out += "\r\n";
  }
  out += "\r\n";
}

template <class Stream, class Message>
asio::awaitable<beast::error_code> write(Stream& stream, Message& msg) {
  if (msg.chunked()) {
    auto [ec, n] = co_await bhttp::async_write(stream, msg, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  }
  std::string head = serializeHead(msg);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(msg.body())};
  auto [ec, n] = co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
  co_return ec;
}

}  // namespace

std::string serializeHead(const Response& res) {
  std::string out;
  out.reserve(256);
  out += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(res.result_int());
  out += ' ';
  std::string_view reason = res.reason();
  out += reason.empty() ? std::string_view(bhttp::obsolete_reason(res.result())) : reason;
  out += "\r\n";
  appendFields(out, res.base());
  return out;
}

std::string serializeHead(const Request& req) {
  std::string out;
  out.reserve(256);
  out += req.method_string();
  out += ' ';
  out += req.target();
  out += req.version() == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
  appendFields(out, req.base());
  return out;
}

asio::awaitable<beast::error_code> writeMessage(beast::tcp_stream& stream, Response& res) {
  return write(stream, res);
}

asio::awaitable<beast::error_code> writeMessage(beast::tcp_stream& stream, Request& req) {
  return write(stream, req);
}

asio::awaitable<beast::error_code> writeMessage(beast::ssl_stream<beast::tcp_stream>& stream, Request& req) {
  return write(stream, req);
}

}  // namespace portico::http
