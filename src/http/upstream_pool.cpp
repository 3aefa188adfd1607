#include "http/upstream_pool.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>
#include <unordered_map>

#include "http/message_writer.h"

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// One upstream connection, plain or TLS. Held by pointer: moving a Beast stream reallocates it.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

/// Reads one response into `parser`, parsing as bytes arrive (no Beast composed read). Returns the
/// error (end_of_stream when the peer closed before sending anything) and the bytes read.
template <class Stream>
asio::awaitable<std::pair<beast::error_code, std::size_t>> readResponse(
    Stream& stream, beast::flat_buffer& buf, bhttp::response_parser<bhttp::string_body>& parser) {
  beast::error_code ec;
  std::size_t total = 0;
  for (;;) {
    auto [rec, n] = co_await stream.async_read_some(buf.prepare(16 * 1024), asio::as_tuple(asio::use_awaitable));
    // A TLS peer that closes without close_notify reads as stream_truncated: an end all the same.
    if (rec == asio::error::eof || rec == asio::ssl::error::stream_truncated) {
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

/// Writes the request and reads the response on an open connection.
template <class Stream>
asio::awaitable<UpstreamOutcome> exchange(Stream& stream, Request& req, std::size_t maxBody, bool& keepAlive,
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
    } else if ((rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset) && rn == 0) {
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

/// The certificate check for a TLS upstream: the chain (OpenSSL's verdict) and, on the peer's own
/// certificate, the host name or IP address the URL named.
bool verifyPeer(const std::string& host, bool isIp, bool preverified, asio::ssl::verify_context& ctx) {
  if (!preverified) return false;
  X509_STORE_CTX* store = ctx.native_handle();
  if (X509_STORE_CTX_get_error_depth(store) > 0) return true;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  if (!cert) return false;
  return isIp ? X509_check_ip_asc(cert, host.c_str(), 0) == 1
              : X509_check_host(cert, host.data(), host.size(), 0, nullptr) == 1;
}

}  // namespace

struct UpstreamPool::Impl {
  asio::io_context& ioc;
  std::size_t maxIdle;
  std::size_t maxBody;
  asio::ssl::context tlsContext{asio::ssl::context::tls_client};
  std::unordered_map<std::string, std::deque<Connection>> idle;  // by "http(s)://host:port"

  Impl(asio::io_context& io, std::size_t idleMax, std::size_t bodyMax) : ioc(io), maxIdle(idleMax), maxBody(bodyMax) {
    tlsContext.set_default_verify_paths();
    tlsContext.set_verify_mode(asio::ssl::verify_peer);
  }

  /// A new connection to target (TLS handshake included), or the failure.
  asio::awaitable<std::pair<std::optional<Connection>, UpstreamOutcome>> open(
      const UpstreamTarget& target, std::chrono::steady_clock::time_point deadline) {
    Connection conn;
    if (target.tls) {
      conn.tls = std::make_unique<TlsStream>(ioc, tlsContext);
    } else {
      conn.plain = std::make_unique<beast::tcp_stream>(ioc);
    }
    beast::tcp_stream& stream = conn.lowest();
    stream.expires_at(deadline);
    UpstreamOutcome fail;
    const std::string where = target.host + ":" + std::to_string(target.port);
    beast::error_code ec;
    auto addr = asio::ip::make_address(target.host, ec);
    const bool isIp = !ec;
    std::vector<tcp::endpoint> endpoints;
    if (isIp) {
      endpoints.emplace_back(addr, target.port);
    } else {
      tcp::resolver resolver(ioc);
      auto [rec, results] = co_await resolver.async_resolve(target.host, std::to_string(target.port),
                                                            asio::as_tuple(asio::use_awaitable));
      if (rec) {
        fail.detail = "resolve " + target.host + ": " + rec.message();
        co_return std::pair{std::optional<Connection>(), std::move(fail)};
      }
      for (auto& r : results) endpoints.push_back(r.endpoint());
    }
    auto [cec, ep] = co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    if (cec) {
      fail.error = cec == beast::error::timeout ? UpstreamErrorKind::kTimeout : UpstreamErrorKind::kConnect;
      fail.detail = "connect " + where + ": " + cec.message();
      co_return std::pair{std::optional<Connection>(), std::move(fail)};
    }
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    if (conn.tls) {
      if (!isIp) SSL_set_tlsext_host_name(conn.tls->native_handle(), target.host.c_str());
      conn.tls->set_verify_callback([host = target.host, isIp](bool preverified, asio::ssl::verify_context& vc) {
        return verifyPeer(host, isIp, preverified, vc);
      });
      auto [hec] =
          co_await conn.tls->async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
      if (hec) {
        fail.error = hec == beast::error::timeout ? UpstreamErrorKind::kTimeout : UpstreamErrorKind::kConnect;
        fail.detail = "TLS handshake with " + where + ": " + hec.message();
        co_return std::pair{std::optional<Connection>(), std::move(fail)};
      }
    }
    co_return std::pair{std::optional<Connection>(std::move(conn)), std::move(fail)};
  }
};

UpstreamPool::UpstreamPool(asio::io_context& ioc, std::size_t maxIdlePerHost, std::size_t maxResponseBytes)
    : impl_(std::make_unique<Impl>(ioc, maxIdlePerHost, maxResponseBytes)) {}

UpstreamPool::~UpstreamPool() = default;

asio::awaitable<UpstreamOutcome> UpstreamPool::send(const UpstreamTarget& target, Request& req,
                                                    std::chrono::milliseconds timeout) {
  const std::string key = (target.tls ? "https://" : "http://") + target.host + ":" + std::to_string(target.port);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  req.keep_alive(true);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    Connection conn;
    bool reused = false;
    auto& idleList = impl_->idle[key];
    if (!idleList.empty()) {
      conn = std::move(idleList.back());
      idleList.pop_back();
      reused = true;
    } else {
      auto [opened, failure] = co_await impl_->open(target, deadline);
      if (!opened) co_return std::move(failure);
      conn = std::move(*opened);
    }
    conn.lowest().expires_at(deadline);
    bool keepAlive = false, sentNothing = false;
    UpstreamOutcome out;
    if (conn.tls) {
      out = co_await exchange(*conn.tls, req, impl_->maxBody, keepAlive, sentNothing);
    } else {
      out = co_await exchange(*conn.plain, req, impl_->maxBody, keepAlive, sentNothing);
    }
    if (!out.ok && reused && sentNothing && out.error == UpstreamErrorKind::kConnect) {
      impl_->idle[key].clear();  // the peer closed one: the others went the same way; retry on a fresh one
      continue;
    }
    if (out.ok && keepAlive && impl_->idle[key].size() < impl_->maxIdle) {
      conn.lowest().expires_never();
      impl_->idle[key].push_back(std::move(conn));
    }
    co_return out;
  }
  UpstreamOutcome out;
  out.detail = "connection closed by upstream";
  co_return out;
}

}  // namespace portico::http
