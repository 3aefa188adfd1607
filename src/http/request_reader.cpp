#include "http/request_reader.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <string_view>

#include "http/asio_names.h"
#include "http/error_responses.h"
#include "http/request_framing.h"

namespace portico::http {
namespace {

bool isFramingError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

template <class Stream>
asio::awaitable<RequestRead> readFrom(Stream& stream, beast::flat_buffer& buf, Handler& handler,
                                      const RequestLimits& limits, const ConnectionInfo& conn, BodyReservation& body) {
  RequestRead out;
  std::optional<Response>& early = out.refusal;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.headerBytes));
  parser.body_limit(limits.bodyBytes);
  // Parse what is buffered; read more (within the request timeout) only when the parser needs
  // it. A request that arrived whole costs no further I/O operation.
  beast::error_code ec;
  bool headerChecked = false;
  std::optional<std::chrono::steady_clock::time_point> deadline;  // the request timeout, once reading
  for (;;) {
    std::size_t used = buf.size() ? parser.put(buf.data(), ec) : 0;
    if (!headerChecked && parser.is_header_done()) {
      // The head was parsed whole from the buffer's start: check its raw bytes too.
      std::string_view parsed(static_cast<const char*>(buf.data().data()), used);
      std::string_view rawHead = parsed.substr(0, std::min(parsed.find("\r\n\r\n"), parsed.find("\n\n")));
      if (auto refusal = checkRequestHead(parser.get().base(), rawHead)) {
        early = errorResponse(refusal->status, refusal->status == 501 ? "NotImplemented" : "BadRequestException",
                              refusal->message);
        break;
      }
    }
    buf.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      // A chunk line ended by a bare LF: the parser would wait for a CR until the timeout.
      if (parser.is_header_done() && parser.chunked() &&
          hasBareLineFeed(std::string_view(static_cast<const char*>(buf.data().data()), buf.size()))) {
        early = errorResponse(400, "BadRequestException", "Bad Request: bare LF in chunked framing");
        break;
      }
    }
    if (ec) break;
    if (!headerChecked && parser.is_header_done()) {
      headerChecked = true;
      const auto& hdr = parser.get();
      if (static_cast<std::size_t>(std::distance(hdr.begin(), hdr.end())) > limits.headerCount) {
        early = errorResponse(431, "RequestHeaderFieldsTooLarge", "Request Header Fields Too Large");
        break;
      }
      if (!parser.is_done()) {
        // The handler may refuse from the head alone, or bound the body more tightly.
        HeadVerdict verdict = handler.checkHead(hdr.base(), conn);
        if (verdict.reject) {
          early = std::move(*verdict.reject);
          break;
        }
        if (verdict.bodyLimit) {
          // Beast checked a Content-Length against the listener's limit with the head; the
          // tighter one is checked here (and by the parser for chunked bodies).
          if (parser.content_length() && *parser.content_length() > *verdict.bodyLimit) {
            early = errorResponse(413, "RequestTooLarge", "Request Too Long");
            break;
          }
          parser.body_limit(*verdict.bodyLimit);
        }
        // Bodies being read are bounded in total per listener: each request reserves what it
        // declares (or its limit, when chunked) until it has been answered.
        std::size_t want = parser.content_length() ? static_cast<std::size_t>(*parser.content_length())
                                                   : verdict.bodyLimit.value_or(limits.bodyBytes);
        if (!body.reserve(want, limits.maxBufferedBodyBytes)) {
          early = errorResponse(503, "ServiceUnavailableException", "Too many request bodies in flight; retry");
          break;
        }
      }
      if (!parser.is_done() && hdr.version() >= 11 && beast::iequals(hdr[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, hdr.version()};
        beast::get_lowest_layer(stream).expires_after(limits.writeTimeout);
        auto [cec, cn] = co_await bhttp::async_write(stream, cont, asio::as_tuple(asio::use_awaitable));
        if (cec) {
          ec = cec;
          break;
        }
        if (deadline)
          beast::get_lowest_layer(stream).expires_at(*deadline);  // the body gets what is left of the request's time
      }
    }
    if (parser.is_done()) break;
    if (used > 0 && buf.size() > 0) continue;  // more buffered input to parse
    if (!deadline) {
      deadline = std::chrono::steady_clock::now() + limits.requestTimeout;
      beast::get_lowest_layer(stream).expires_at(*deadline);
    }
    auto [rec, n] =
        co_await stream.async_read_some(buf.prepare(kRequestReadChunk), asio::as_tuple(asio::use_awaitable));
    if (rec == asio::error::eof || rec == asio::ssl::error::stream_truncated) {
      parser.put_eof(ec);  // partial_message: the client hung up mid-request
      if (!ec) ec = bhttp::error::partial_message;
      break;
    }
    if (rec) {
      ec = rec;
      break;
    }
    buf.commit(n);
  }
  if (ec == bhttp::error::body_limit) {
    early = errorResponse(413, "RequestTooLarge", "Request Too Long");
  } else if (ec == bhttp::error::header_limit) {
    early = errorResponse(431, "RequestHeaderFieldsTooLarge", "Request Header Fields Too Large");
  } else if (ec && isFramingError(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    early = errorResponse(400, "BadRequestException", "Bad Request");
  } else if (ec) {
    early.reset();  // timeout, reset or EOF mid-request: nothing useful to answer
    co_return out;
  }
  if (!early) out.request = parser.release();
  co_return out;
}

}  // namespace

asio::awaitable<RequestRead> readRequest(beast::tcp_stream& stream, beast::flat_buffer& buf, Handler& handler,
                                         const RequestLimits& limits, const ConnectionInfo& conn,
                                         BodyReservation& body) {
  return readFrom(stream, buf, handler, limits, conn, body);
}

asio::awaitable<RequestRead> readRequest(beast::ssl_stream<beast::tcp_stream>& stream, beast::flat_buffer& buf,
                                         Handler& handler, const RequestLimits& limits, const ConnectionInfo& conn,
                                         BodyReservation& body) {
  return readFrom(stream, buf, handler, limits, conn, body);
}

}  // namespace portico::http
