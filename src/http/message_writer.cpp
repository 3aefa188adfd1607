#include "http/message_writer.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <cstdio>

#include "http/asio_names.h"

namespace portico::http {
namespace {

/// Whether a field can go on the wire: no CR, LF or NUL (a value mapped from a decoded query
/// string could otherwise smuggle headers or a whole request). Such fields are left out.
bool writable(std::string_view s) {
  // A plain loop: find_first_of calls memchr on the 3-byte set once per character, which was the
  // largest user-space cost of a proxied request.
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
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

/// "<hex size>\r\n": a chunk's header.
std::string chunkHeader(std::size_t n) {
  char buf[24];
  int len = std::snprintf(buf, sizeof buf, "%zx\r\n", n);
  return std::string(buf, static_cast<std::size_t>(len));
}

/// Writes a whole message in one gather write: the head, then the body as it is, or (chunked) as
/// one chunk and the last chunk. Framed here rather than by Beast's serializer, whose composed
/// operations over each stream type were the heaviest instantiations of the build.
template <class Stream, class Message>
asio::awaitable<beast::error_code> write(Stream& stream, Message& msg) {
  std::string head = serializeHead(msg);
  const std::string& body = msg.body();
  std::string size;
  std::string_view tail;
  if (msg.chunked()) {
    if (!body.empty()) size = chunkHeader(body.size());
    tail = body.empty() ? std::string_view("0\r\n\r\n") : std::string_view("\r\n0\r\n\r\n");
  }
  std::array<asio::const_buffer, 4> buffers{asio::buffer(head), asio::buffer(size), asio::buffer(body),
                                            asio::buffer(tail.data(), tail.size())};
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

namespace {

template <class Stream>
asio::awaitable<beast::error_code> relay(Stream& stream, Response& res, BodyStream& rest,
                                         std::chrono::steady_clock::duration writeTimeout) {
  const bool chunked = res.chunked();
  std::string head = serializeHead(res);
  std::string piece = std::move(res.body());
  std::uint64_t sent = 0;
  std::optional<std::uint64_t> declared;
  if (res.has_content_length()) {
    std::string_view text = res[bhttp::field::content_length];
    std::uint64_t value = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) {
      co_return bhttp::error::bad_content_length;
    }
    declared = value;
  }
  constexpr std::string_view kCrlf = "\r\n";
  for (;;) {
    // Each round writes what is in hand (after the head, the first time) and fetches the next piece.
    if (!piece.empty() || !head.empty()) {
      std::string size = chunked && !piece.empty() ? chunkHeader(piece.size()) : std::string();
      std::array<asio::const_buffer, 4> buffers{asio::buffer(head), asio::buffer(size), asio::buffer(piece),
                                                asio::buffer(kCrlf.data(), size.empty() ? 0 : kCrlf.size())};
      beast::get_lowest_layer(stream).expires_after(writeTimeout);
      auto [ec, n] = co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return ec;
      sent += piece.size();
      head.clear();
    }
    beast::get_lowest_layer(stream).expires_never();  // the source has its own deadline
    if (auto ec = co_await rest.next(piece)) co_return ec;
    if (piece.empty()) break;
    if (declared && sent + piece.size() > *declared) co_return bhttp::error::body_limit;  // more than announced
  }
  if (declared && sent != *declared) co_return bhttp::error::partial_message;
  if (chunked) {
    beast::get_lowest_layer(stream).expires_after(writeTimeout);
    auto [ec, n] =
        co_await asio::async_write(stream, asio::buffer("0\r\n\r\n", 5), asio::as_tuple(asio::use_awaitable));
    co_return ec;
  }
  co_return beast::error_code{};
}

}  // namespace

asio::awaitable<beast::error_code> writeMessage(beast::ssl_stream<beast::tcp_stream>& stream, Response& res) {
  return write(stream, res);
}

asio::awaitable<beast::error_code> relayMessage(beast::tcp_stream& stream, Response& res, BodyStream& rest,
                                                std::chrono::steady_clock::duration writeTimeout) {
  return relay(stream, res, rest, writeTimeout);
}

asio::awaitable<beast::error_code> relayMessage(beast::ssl_stream<beast::tcp_stream>& stream, Response& res,
                                                BodyStream& rest, std::chrono::steady_clock::duration writeTimeout) {
  return relay(stream, res, rest, writeTimeout);
}

}  // namespace portico::http
