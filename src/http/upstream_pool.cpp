#include "http/upstream_pool.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <unordered_map>

#include "http/message_writer.h"

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace {

/// Reads one response into `parser`, parsing as bytes arrive (no Beast composed read). Returns the
/// error (end_of_stream when the peer closed before sending anything) and the bytes read.
asio::awaitable<std::pair<beast::error_code, std::size_t>> readResponse(
    beast::tcp_stream& stream, beast::flat_buffer& buf, bhttp::response_parser<bhttp::string_body>& parser) {
  beast::error_code ec;
  std::size_t total = 0;
  for (;;) {
    auto [rec, n] = co_await stream.async_read_some(buf.prepare(16 * 1024), asio::as_tuple(asio::use_awaitable));
    if (rec == asio::error::eof) {
      if (total == 0) co_return std::pair{beast::error_code(bhttp::error::end_of_stream), total};
      parser.put_eof(ec);  // a body delimited by the connection's end completes here
      co_return std::pair{ec, total};
    }
    if (rec) co_return std::pair{rec, total};
    buf.commit(n);
    total += n;
    while (buf.size() > 0) {
      std::size_t used = parser.put(buf.data(), ec);
      buf.consume(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec) co_return std::pair{ec, total};
      if (parser.is_done()) co_return std::pair{ec, total};
      if (used == 0) break;
    }
  }
}

}  // namespace

struct UpstreamPool::Impl {
  asio::io_context& ioc;
  std::size_t maxIdle;
  std::size_t maxBody;
  // By "host:port". Held by pointer: moving a Beast stream allocates a new one.
  std::unordered_map<std::string, std::deque<std::unique_ptr<beast::tcp_stream>>> idle;

  asio::awaitable<UpstreamOutcome> exchange(beast::tcp_stream& stream, Request& req, bool& keepAlive,
                                            bool& sentNothing) {
    UpstreamOutcome out;
    sentNothing = true;
    auto wec = co_await writeMessage(stream, req);
    if (wec) {
      out.error = wec == beast::error::timeout ? UpstreamErrorKind::kTimeout : UpstreamErrorKind::kConnect;
      out.detail = wec.message();
      co_return out;
    }
    sentNothing = false;
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(maxBody);
    parser.header_limit(64 * 1024);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    auto [rec, rn] = co_await readResponse(stream, buf, parser);
    if (rec) {
      if (rec == beast::error::timeout) {
        out.error = UpstreamErrorKind::kTimeout;
      } else if (rec == bhttp::error::body_limit) {
        out.error = UpstreamErrorKind::kTooLarge;
      } else if (rec == bhttp::error::end_of_stream && rn == 0) {
        out.error = UpstreamErrorKind::kConnect;
        sentNothing = true;  // closed before answering: a stale keep-alive connection
      } else {
        out.error = UpstreamErrorKind::kProtocol;
      }
      out.detail = rec.message();
      co_return out;
    }
    out.response = parser.release();
    keepAlive = out.response.keep_alive() && buf.size() == 0;
    out.ok = true;
    co_return out;
  }
};

UpstreamPool::UpstreamPool(asio::io_context& ioc, std::size_t maxIdlePerHost, std::size_t maxResponseBytes)
    : impl_(std::make_unique<Impl>(Impl{ioc, maxIdlePerHost, maxResponseBytes, {}})) {}

UpstreamPool::~UpstreamPool() = default;

asio::awaitable<UpstreamOutcome> UpstreamPool::send(const UpstreamTarget& target, Request& req,
                                                    std::chrono::milliseconds timeout) {
  const std::string key = target.host + ":" + std::to_string(target.port);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<beast::tcp_stream> stream;
    bool reused = false;
    auto& idleList = impl_->idle[key];
    if (!idleList.empty()) {
      stream = std::move(idleList.back());
      idleList.pop_back();
      reused = true;
    } else {
      stream = std::make_unique<beast::tcp_stream>(impl_->ioc);
      stream->expires_at(deadline);
      beast::error_code ec;
      auto addr = asio::ip::make_address(target.host, ec);
      std::vector<tcp::endpoint> endpoints;
      if (!ec) {
        endpoints.emplace_back(addr, target.port);
      } else {
        tcp::resolver resolver(impl_->ioc);
        auto [rec, results] = co_await resolver.async_resolve(target.host, std::to_string(target.port),
                                                              asio::as_tuple(asio::use_awaitable));
        if (rec) {
          UpstreamOutcome out;
          out.detail = "resolve " + target.host + ": " + rec.message();
          co_return out;
        }
        for (auto& r : results) endpoints.push_back(r.endpoint());
      }
      auto [cec, ep] = co_await stream->async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
      if (cec) {
        UpstreamOutcome out;
        out.error = cec == beast::error::timeout ? UpstreamErrorKind::kTimeout : UpstreamErrorKind::kConnect;
        out.detail = "connect " + key + ": " + cec.message();
        co_return out;
      }
      beast::error_code ignored;
      stream->socket().set_option(tcp::no_delay(true), ignored);
    }
    stream->expires_at(deadline);
    bool keepAlive = false, sentNothing = false;
    UpstreamOutcome out = co_await impl_->exchange(*stream, req, keepAlive, sentNothing);
    if (!out.ok && reused && sentNothing && out.error == UpstreamErrorKind::kConnect) continue;  // stale
    if (out.ok && keepAlive && impl_->idle[key].size() < impl_->maxIdle) {
      stream->expires_never();
      impl_->idle[key].push_back(std::move(stream));
    }
    co_return out;
  }
  UpstreamOutcome out;
  out.detail = "connection closed by upstream";
  co_return out;
}

}  // namespace portico::http
