#include "http/upstream_pool.h"

#include <openssl/pem.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>
#include <unordered_map>

#include "http/asio_names.h"
#include "http/message_writer.h"
#include "http/response_codec.h"

namespace portico::http {
using asio::ip::tcp;

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// One upstream connection, plain or TLS. Held by pointer: moving a Beast stream reallocates it.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }
};

/// Reads what the connection has (at most `size` bytes) into buf. A TLS peer that closes without
/// close_notify reads as stream_truncated: reported as eof, an end all the same.
asio::awaitable<beast::error_code> readSome(Connection& conn, beast::flat_buffer& buf, std::size_t size) {
  beast::error_code ec;
  std::size_t n = 0;
  if (conn.tls) {  // (no co_await inside ?: — GCC 12 miscompiles it)
    std::tie(ec, n) = co_await conn.tls->async_read_some(buf.prepare(size), asio::as_tuple(asio::use_awaitable));
  } else {
    std::tie(ec, n) = co_await conn.plain->async_read_some(buf.prepare(size), asio::as_tuple(asio::use_awaitable));
  }
  buf.commit(n);
  if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
  co_return ec;
}

/// Reads one response into `parser`, parsing as bytes arrive (no Beast composed read), until it is
/// complete or relayNow() says its head and what came of its body go back now. Returns the error
/// (end_of_stream when the peer closed before sending anything) and the bytes read.
asio::awaitable<std::pair<beast::error_code, std::size_t>> readResponse(Connection& conn, beast::flat_buffer& buf,
                                                                        ResponseParser& parser, RelayMode relay) {
  beast::error_code ec;
  std::size_t total = 0;
  for (;;) {
    const std::size_t before = buf.size();
    auto rec = co_await readSome(conn, buf, 16 * 1024);
    if (rec == asio::error::eof) {
      if (total == 0) co_return std::pair{beast::error_code(bhttp::error::end_of_stream), total};
      parser.put_eof(ec);  // a body delimited by the connection's end completes here
      co_return std::pair{ec, total};
    }
    if (rec) co_return std::pair{rec, total};
    total += buf.size() - before;
    ec = parseBuffered(buf, parser);
    if (ec || parser.is_done() || relayNow(parser, relay)) co_return std::pair{ec, total};
  }
}

/// A connection that could not be made or written to: a timeout, or a connect failure.
UpstreamError failure(const beast::error_code& ec, const std::string& what) {
  return {ec == beast::error::timeout ? UpstreamErrorKind::kTimeout : UpstreamErrorKind::kConnect, what + ec.message()};
}

/// Writes the request and reads the response on an open connection. `relayed`: the response's body
/// is not complete; parser and buf hold the state its relay continues from.
asio::awaitable<UpstreamOutcome> exchange(Connection& conn, Request& req, ResponseParser& parser,
                                          beast::flat_buffer& buf, RelayMode relay, bool& keepAlive, bool& sentNothing,
                                          bool& relayed) {
  sentNothing = true;
  beast::error_code wec;
  if (conn.tls) {
    wec = co_await writeMessage(*conn.tls, req);
  } else {
    wec = co_await writeMessage(*conn.plain, req);
  }
  if (wec) co_return failure(wec, "");
  sentNothing = false;
  auto [rec, rn] = co_await readResponse(conn, buf, parser, relay);
  if (rec) {
    UpstreamError failed{UpstreamErrorKind::kProtocol, rec.message()};
    if (rec == beast::error::timeout) {
      failed.kind = UpstreamErrorKind::kTimeout;
    } else if (rec == bhttp::error::body_limit) {
      failed.kind = UpstreamErrorKind::kTooLarge;
    } else if ((rec == bhttp::error::end_of_stream || rec == asio::error::connection_reset) && rn == 0) {
      failed.kind = UpstreamErrorKind::kConnect;
      sentNothing = true;  // closed before answering: a stale keep-alive connection
    }
    co_return failed;
  }
  UpstreamResponse out;
  if (parser.is_done()) {
    auto msg = parser.release();
    out.response = Response(std::move(msg.base()), std::move(msg.body()));
    keepAlive = out.response.keep_alive() && buf.size() == 0;
  } else {
    out.response.base() = parser.get().base();
    out.response.body() = std::move(parser.get().body());
    parser.get().body().clear();
    relayed = true;
  }
  co_return out;
}

/// Connections kept for reuse, per "http(s)://host:port". Shared with relayed bodies, which give
/// theirs back when the body ended cleanly and the pool is still there.
struct IdleConnections {
  std::size_t maxIdle;
  std::unordered_map<std::string, std::deque<Connection>> byKey;

  void keep(const std::string& key, Connection conn) {
    auto& list = byKey[key];
    if (list.size() >= maxIdle) return;
    conn.lowest().expires_never();
    list.push_back(std::move(conn));
  }
};

/// The rest of a relayed response body, read from the connection as the client takes it.
class RelayedBody final : public BodyStream {
 public:
  RelayedBody(std::weak_ptr<IdleConnections> idle, std::string key, Connection conn,
              std::unique_ptr<ResponseParser> parser, beast::flat_buffer buf, std::chrono::milliseconds timeout)
      : idle_(std::move(idle)),
        key_(std::move(key)),
        conn_(std::move(conn)),
        parser_(std::move(parser)),
        buf_(std::move(buf)),
        timeout_(timeout) {
    declared_ = announcedLength(*parser_);
  }

  std::optional<std::uint64_t> declaredLength() const override { return declared_; }

  asio::awaitable<beast::error_code> next(std::string& out) override {
    out.clear();
    if (done_) co_return beast::error_code{};
    std::string& body = parser_->get().body();
    for (;;) {
      if (auto ec = parseBuffered(buf_, *parser_)) co_return fail(ec);
      if (!body.empty() || parser_->is_done()) {
        out.swap(body);
        body.clear();
        if (parser_->is_done()) finish();
        co_return beast::error_code{};
      }
      conn_.lowest().expires_after(timeout_);
      auto rec = co_await readSome(conn_, buf_, 64 * 1024);
      if (rec == asio::error::eof) {
        beast::error_code ec;
        parser_->put_eof(ec);  // completes a body delimited by the close; else partial_message
        if (ec) co_return fail(ec);
        continue;
      }
      if (rec) co_return fail(rec);
    }
  }

 private:
  beast::error_code fail(beast::error_code ec) {
    done_ = true;  // the connection is dropped with this object
    return ec;
  }

  void finish() {
    done_ = true;
    if (!parser_->get().keep_alive() || buf_.size() != 0) return;
    if (auto idle = idle_.lock()) idle->keep(key_, std::move(conn_));
  }

  std::weak_ptr<IdleConnections> idle_;
  std::string key_;
  Connection conn_;
  std::unique_ptr<ResponseParser> parser_;
  beast::flat_buffer buf_;
  std::chrono::milliseconds timeout_;
  std::optional<std::uint64_t> declared_;
  bool done_ = false;
};

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

/// Sets the client certificate and key the connection presents when the backend asks for one.
bool presentCertificate(SSL* ssl, const UpstreamTarget& target) {
  auto pem = [](std::string_view text) { return BIO_new_mem_buf(text.data(), static_cast<int>(text.size())); };
  BIO* certBio = pem(target.clientCertificatePem);
  BIO* keyBio = pem(target.clientKeyPem);
  X509* cert = certBio ? PEM_read_bio_X509(certBio, nullptr, nullptr, nullptr) : nullptr;
  EVP_PKEY* key = keyBio ? PEM_read_bio_PrivateKey(
                               keyBio, nullptr, [](char*, int, int, void*) { return 0; }, nullptr)
                         : nullptr;
  const bool ok = cert && key && SSL_use_certificate(ssl, cert) == 1 && SSL_use_PrivateKey(ssl, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(certBio);
  BIO_free(keyBio);
  ERR_clear_error();
  return ok;
}

}  // namespace

struct UpstreamPool::Impl {
  asio::io_context& ioc;
  std::size_t maxBody;
  asio::ssl::context tlsContext{asio::ssl::context::tls_client};
  std::shared_ptr<IdleConnections> idle;

  Impl(asio::io_context& io, std::size_t idleMax, std::size_t bodyMax)
      : ioc(io), maxBody(bodyMax), idle(std::make_shared<IdleConnections>(IdleConnections{idleMax, {}})) {
    tlsContext.set_default_verify_paths();
    tlsContext.set_verify_mode(asio::ssl::verify_peer);
  }

  /// A new connection to target (TLS handshake included), or the failure.
  asio::awaitable<Result<Connection, UpstreamError>> open(const UpstreamTarget& target,
                                                          std::chrono::steady_clock::time_point deadline) {
    Connection conn;
    if (target.tls) {
      conn.tls = std::make_unique<TlsStream>(ioc, tlsContext);
    } else {
      conn.plain = std::make_unique<beast::tcp_stream>(ioc);
    }
    beast::tcp_stream& stream = conn.lowest();
    stream.expires_at(deadline);
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
      if (rec) co_return UpstreamError{UpstreamErrorKind::kConnect, "resolve " + target.host + ": " + rec.message()};
      for (auto& r : results) endpoints.push_back(r.endpoint());
    }
    auto [cec, ep] = co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    if (cec) co_return failure(cec, "connect " + where + ": ");
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    if (conn.tls) {
      if (!isIp) SSL_set_tlsext_host_name(conn.tls->native_handle(), target.host.c_str());
      if (!target.clientCertificatePem.empty() && !presentCertificate(conn.tls->native_handle(), target)) {
        co_return UpstreamError{UpstreamErrorKind::kConnect,
                                "client certificate " + target.clientCertificateId + " does not load"};
      }
      conn.tls->set_verify_callback([host = target.host, isIp](bool preverified, asio::ssl::verify_context& vc) {
        return verifyPeer(host, isIp, preverified, vc);
      });
      auto [hec] =
          co_await conn.tls->async_handshake(asio::ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
      if (hec) co_return failure(hec, "TLS handshake with " + where + ": ");
    }
    co_return std::move(conn);
  }
};

UpstreamPool::UpstreamPool(asio::io_context& ioc, std::size_t maxIdlePerHost, std::size_t maxResponseBytes)
    : impl_(std::make_unique<Impl>(ioc, maxIdlePerHost, maxResponseBytes)) {}

UpstreamPool::~UpstreamPool() = default;

asio::io_context::executor_type UpstreamPool::executor() const {
  return impl_->ioc.get_executor();
}

asio::awaitable<UpstreamOutcome> UpstreamPool::send(const UpstreamTarget& target, Request& req,
                                                    std::chrono::milliseconds timeout, RelayMode relay,
                                                    std::size_t maxResponseBytes) {
  const std::size_t maxBody = maxResponseBytes ? std::min(maxResponseBytes, impl_->maxBody) : impl_->maxBody;
  const std::string key = (target.tls ? "https://" : "http://") + target.host + ":" + std::to_string(target.port) +
                          (target.clientCertificateId.empty() ? "" : "#" + target.clientCertificateId);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  req.keep_alive(true);
  req.prepare_payload();
  auto& idleByKey = impl_->idle->byKey;

  for (int attempt = 0; attempt < 2; ++attempt) {
    Connection conn;
    bool reused = false;
    auto& idleList = idleByKey[key];
    if (!idleList.empty()) {
      conn = std::move(idleList.back());
      idleList.pop_back();
      reused = true;
    } else {
      auto opened = co_await impl_->open(target, deadline);
      if (!opened) co_return opened.takeError();
      conn = std::move(opened).value();
    }
    conn.lowest().expires_at(deadline);
    bool keepAlive = false, sentNothing = false, relayed = false;
    auto parser = makeResponseParser(req.method() == bhttp::verb::head, relay, maxBody);
    beast::flat_buffer buf;
    UpstreamOutcome out = co_await exchange(conn, req, *parser, buf, relay, keepAlive, sentNothing, relayed);
    if (!out && reused && sentNothing && out.error().kind == UpstreamErrorKind::kConnect) {
      idleByKey[key].clear();  // the peer closed one: the others went the same way; retry on a fresh one
      continue;
    }
    if (relayed) {
      out->rest =
          std::make_unique<RelayedBody>(impl_->idle, key, std::move(conn), std::move(parser), std::move(buf), timeout);
    } else if (out && keepAlive) {
      impl_->idle->keep(key, std::move(conn));
    }
    co_return out;
  }
  co_return UpstreamError{UpstreamErrorKind::kConnect, "connection closed by upstream"};
}

}  // namespace portico::http
