#include "http/session.h"

#include <openssl/pem.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <string_view>
#include <type_traits>

#include "http/asio_names.h"
#include "http/error_responses.h"
#include "http/message_writer.h"
#include "http/request_reader.h"
#include "http/tls_catalog.h"

namespace portico::http {
using asio::ip::tcp;
namespace {

/// Reads until at least one byte is buffered, with the idle timeout. False on EOF/error.
template <class Stream>
asio::awaitable<bool> waitForRequest(Stream& stream, beast::flat_buffer& buf, std::chrono::milliseconds idle) {
  if (buf.size() > 0) co_return true;
  beast::get_lowest_layer(stream).expires_after(idle);
  auto [ec, n] = co_await stream.async_read_some(buf.prepare(kRequestReadChunk), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return false;
  buf.commit(n);
  co_return true;
}

/// Frames the reply for req: version, no body for HEAD or 204/304, a length, chunked or up to the
/// close for a body still arriving, Connection. Returns whether the connection stays open after it.
bool frame(const Request& req, Reply& reply, bool keepAlive) {
  Response& res = reply.response;
  res.version(req.version());
  const unsigned status = res.result_int();
  const bool bodiless = status == 204 || status == 304;                   // no Content-Length at all
  if (bodiless || req.method() == bhttp::verb::head) reply.rest.reset();  // nothing of it is sent
  if (bodiless) {
    res.erase(bhttp::field::content_length);
    res.body().clear();
  } else if (req.method() == bhttp::verb::head) {  // the headers a GET would get; no body
    if (res.find(bhttp::field::content_length) == res.end()) res.content_length(res.body().size());
    res.body().clear();
  } else if (reply.rest && !res.has_content_length()) {
    // A body of unknown length still arriving: chunked to HTTP/1.1 clients, else up to the close.
    if (req.version() >= 11) {
      res.chunked(true);
    } else {
      keepAlive = false;
    }
  } else if (!res.has_content_length() && !res.chunked()) {
    res.prepare_payload();
  }
  res.keep_alive(keepAlive);
  return keepAlive;
}

/// A reply the server makes itself (a refusal before any handler, a handler's failure) carries a
/// request id like every other: boto3 and the SDKs log it, support asks for it.
void stampRequestId(Response& res, Worker& worker) {
  if (res.find("x-amzn-RequestId") == res.end()) res.set("x-amzn-RequestId", worker.ids.uuid());
}

/// Answers req (a handler's exception is a 500, a 1xx a 502) and writes or relays the reply.
/// Whether the connection stays open for another request.
template <class Stream>
asio::awaitable<bool> answer(Stream& stream, const ListenerSpec& spec, Worker& worker, Request& req,
                             const ConnectionInfo& conn) {
  Reply reply;
  try {
    reply = co_await spec.handler->handle(req, conn);
  } catch (const std::exception& e) {
    spdlog::error("{} handler failed: {}", spec.name, e.what());
    reply = Reply(errorResponse(500, "InternalFailure", "Internal server error"));
    stampRequestId(reply.response, worker);
  }
  if (reply.response.result_int() < 200) {
    // A 1xx would go out as an interim response with no final one after it (the client waits;
    // on keep-alive the next response is taken for this one's). A handler never means that:
    // it is an integration's or a template's status passed through.
    spdlog::warn("{}: a handler answered {} {}: sent as 502", spec.name, reply.response.result_int(),
                 std::string_view(req.target()).substr(0, 200));
    reply = Reply(errorResponse(502, "BadGatewayException", "Internal server error"));
    stampRequestId(reply.response, worker);
  }
  const bool keepAlive = frame(req, reply, req.keep_alive() && !worker.draining);
  Response& res = reply.response;
  beast::error_code wec;
  if (reply.rest) {
    wec = co_await relayMessage(stream, res, *reply.rest, spec.limits.writeTimeout);
    if (wec) spdlog::info("{}: response relay cut: {}", spec.name, wec.message());
  } else {
    beast::get_lowest_layer(stream).expires_after(spec.limits.writeTimeout);
    wec = co_await writeMessage(stream, res);
  }
  co_return !wec && keepAlive;
}

/// Serves requests on an open (and, for TLS, handshaken) stream until the connection ends.
template <class Stream>
asio::awaitable<void> serveRequests(Stream& stream, const ListenerSpec& spec, Worker& worker, SessionSlot& slot,
                                    ListenerLoad& load, ConnectionInfo& conn) {
  const RequestLimits& limits = spec.limits;
  beast::flat_buffer buf;
  for (;;) {
    if (worker.draining) break;
    if (!co_await waitForRequest(stream, buf, limits.idleTimeout)) break;
    slot.busy = true;
    load.idle.fetch_sub(1);
    BodyReservation body(load);  // held until the request has been answered
    RequestRead read = co_await readRequest(stream, buf, *spec.handler, limits, conn, body);
    if (read.refusal) {
      read.refusal->keep_alive(false);
      stampRequestId(*read.refusal, worker);
      read.refusal->prepare_payload();
      beast::get_lowest_layer(stream).expires_after(limits.writeTimeout);
      co_await writeMessage(stream, *read.refusal);
      break;
    }
    if (!read.request) break;
    const bool open = co_await answer(stream, spec, worker, *read.request, conn);
    slot.busy = false;
    load.idle.fetch_add(1);
    if (!open) break;
  }
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// After a TLS handshake: the SNI and the client's certificate, for the handler.
void noteTls(TlsStream& stream, ConnectionInfo& conn) {
  conn.tls = true;
  if (const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name)) conn.serverName = name;
  if (X509* peer = SSL_get0_peer_certificate(stream.native_handle())) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio && PEM_write_bio_X509(bio, peer) == 1) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      if (n > 0) conn.clientCertPem.assign(data, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
  }
}

/// A connection's life on `stream`: for TLS, the handshake first (within the request timeout; a
/// failure ends the connection: unknown SNI, a missing or untrusted client certificate under
/// mutual TLS, random bytes), then the requests; then the socket is closed and the slot forgotten.
template <class Stream>
asio::awaitable<void> serveStream(Stream& stream, const ListenerSpec& spec, Worker& worker, unsigned workerIndex,
                                  ListenerLoad& load, const std::string& client) {
  auto& socket = beast::get_lowest_layer(stream).socket();
  auto slot = worker.sessions.insert(worker.sessions.end(), SessionSlot{&socket, false, &load});
  ConnectionInfo conn;
  conn.peerAddress = client;
  conn.workerIndex = workerIndex;
  load.idle.fetch_add(1);
  bool open = true;
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    beast::get_lowest_layer(stream).expires_after(spec.limits.requestTimeout);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (hec) {
      spdlog::debug("{}: TLS handshake with {} failed: {}", spec.name, client, hec.message());
      open = false;
    } else {
      noteTls(stream, conn);
    }
  }
  if (open) co_await serveRequests(stream, spec, worker, *slot, load, conn);
  if (!slot->busy) load.idle.fetch_sub(1);
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
  worker.sessions.erase(slot);
}

}  // namespace

asio::awaitable<void> serveConnection(tcp::socket& socket, const ListenerSpec& spec, Worker& worker,
                                      unsigned workerIndex, ListenerLoad& load, const std::string& client) {
  if (spec.tls) {
    TlsStream stream(beast::tcp_stream(std::move(socket)), spec.tls->serverContext());
    co_await serveStream(stream, spec, worker, workerIndex, load, client);
  } else {
    beast::tcp_stream stream(std::move(socket));
    co_await serveStream(stream, spec, worker, workerIndex, load, client);
  }
}

}  // namespace portico::http
