#include "http/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <string_view>

#include "http/asio_names.h"
#include "http/error_responses.h"
#include "http/message_writer.h"
#include "http/request_reader.h"

namespace portico::http {
using asio::ip::tcp;
namespace {

/// Reads until at least one byte is buffered, with the idle timeout. False on EOF/error.
asio::awaitable<bool> waitForRequest(beast::tcp_stream& stream, beast::flat_buffer& buf,
                                     std::chrono::milliseconds idle) {
  if (buf.size() > 0) co_return true;
  stream.expires_after(idle);
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

/// Answers req (a handler's exception is a 500, a 1xx a 502) and writes or relays the reply.
/// Whether the connection stays open for another request.
asio::awaitable<bool> answer(beast::tcp_stream& stream, const ListenerSpec& spec, const Worker& worker, Request& req,
                             const ConnectionInfo& conn) {
  Reply reply;
  try {
    reply = co_await spec.handler->handle(req, conn);
  } catch (const std::exception& e) {
    spdlog::error("{} handler failed: {}", spec.name, e.what());
    reply = Reply(errorResponse(500, "InternalFailure", "Internal server error"));
  }
  if (reply.response.result_int() < 200) {
    // A 1xx would go out as an interim response with no final one after it (the client waits;
    // on keep-alive the next response is taken for this one's). A handler never means that:
    // it is an integration's or a template's status passed through.
    spdlog::warn("{}: a handler answered {} {}: sent as 502", spec.name, reply.response.result_int(),
                 std::string_view(req.target()).substr(0, 200));
    reply = Reply(errorResponse(502, "BadGatewayException", "Internal server error"));
  }
  const bool keepAlive = frame(req, reply, req.keep_alive() && !worker.draining);
  Response& res = reply.response;
  beast::error_code wec;
  if (reply.rest) {
    wec = co_await relayMessage(stream, res, *reply.rest, spec.limits.writeTimeout);
    if (wec) spdlog::info("{}: response relay cut: {}", spec.name, wec.message());
  } else {
    stream.expires_after(spec.limits.writeTimeout);
    wec = co_await writeMessage(stream, res);
  }
  co_return !wec && keepAlive;
}

}  // namespace

asio::awaitable<void> serveConnection(tcp::socket& socket, const ListenerSpec& spec, Worker& worker,
                                      unsigned workerIndex, ListenerLoad& load, const std::string& client) {
  beast::tcp_stream stream(std::move(socket));
  auto slot = worker.sessions.insert(worker.sessions.end(), SessionSlot{&stream.socket(), false, &load});
  ConnectionInfo conn;
  beast::error_code ignored;
  conn.peerAddress = client;
  conn.workerIndex = workerIndex;
  const RequestLimits& limits = spec.limits;
  beast::flat_buffer buf;

  load.idle.fetch_add(1);
  for (;;) {
    if (worker.draining) break;
    if (!co_await waitForRequest(stream, buf, limits.idleTimeout)) break;
    slot->busy = true;
    load.idle.fetch_sub(1);
    BodyReservation body(load);  // held until the request has been answered
    RequestRead read = co_await readRequest(stream, buf, *spec.handler, limits, conn, body);
    if (read.refusal) {
      read.refusal->keep_alive(false);
      read.refusal->prepare_payload();
      stream.expires_after(limits.writeTimeout);
      co_await writeMessage(stream, *read.refusal);
      break;
    }
    if (!read.request) break;
    const bool open = co_await answer(stream, spec, worker, *read.request, conn);
    slot->busy = false;
    load.idle.fetch_add(1);
    if (!open) break;
  }
  if (!slot->busy) load.idle.fetch_sub(1);
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  worker.sessions.erase(slot);
}

}  // namespace portico::http
