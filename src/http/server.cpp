// Server implementation: acceptors, worker loops and the per-connection session.
#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <mutex>
#include <thread>

#include "http/error_responses.h"
#include "http/message_writer.h"

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace {

/// One connection as the worker sees it: the socket (to cut idle connections at
/// shutdown) and whether a request is in flight.
struct SessionSlot {
  tcp::socket* socket = nullptr;
  bool busy = false;
};

struct Worker {
  asio::io_context ioc{1};
  std::list<SessionSlot> sessions;  // touched only on this worker's thread
  bool draining = false;            // ditto
};

}  // namespace

struct Server::Impl {
  std::vector<ListenerSpec> specs;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // on workers[0]
  std::atomic<unsigned> nextWorker{0};
  std::atomic<long> liveSessions{0};
  std::atomic<bool> stopping{false};
  std::unique_ptr<asio::steady_timer> drainTimer;

  asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, const ListenerSpec& spec);
  asio::awaitable<void> session(tcp::socket socket, const ListenerSpec& spec, Worker& worker, unsigned index);
  void beginDrain(std::chrono::milliseconds drainTimeout);
  void stopAll();
};

namespace {

bool isFramingError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

/// How much one read asks the socket for.
constexpr std::size_t kReadChunk = 16 * 1024;

/// Reads until at least one byte is buffered, with the idle timeout. False on EOF/error.
asio::awaitable<bool> waitForRequest(beast::tcp_stream& stream, beast::flat_buffer& buf,
                                     std::chrono::milliseconds idle) {
  if (buf.size() > 0) co_return true;
  stream.expires_after(idle);
  auto [ec, n] = co_await stream.async_read_some(buf.prepare(kReadChunk), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return false;
  buf.commit(n);
  co_return true;
}

}  // namespace

asio::awaitable<void> Server::Impl::session(tcp::socket socket, const ListenerSpec& spec, Worker& worker,
                                            unsigned index) {
  beast::tcp_stream stream(std::move(socket));
  auto slot = worker.sessions.insert(worker.sessions.end(), SessionSlot{&stream.socket(), false});
  ConnectionInfo conn;
  beast::error_code ignored;
  auto remote = stream.socket().remote_endpoint(ignored);
  conn.peerAddress = ignored ? std::string() : remote.address().to_string();
  conn.workerIndex = index;
  const RequestLimits& limits = spec.limits;
  beast::flat_buffer buf;

  for (;;) {
    if (worker.draining) break;
    if (!co_await waitForRequest(stream, buf, limits.idleTimeout)) break;
    slot->busy = true;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.headerBytes));
    parser.body_limit(limits.bodyBytes);
    // Parse what is buffered; read more (within the request timeout) only when the parser needs
    // it. A request that arrived whole costs no further I/O operation.
    beast::error_code ec;
    std::optional<Response> early;
    bool headerChecked = false;
    std::optional<std::chrono::steady_clock::time_point> deadline;  // the request timeout, once reading
    for (;;) {
      std::size_t used = buf.size() ? parser.put(buf.data(), ec) : 0;
      buf.consume(used);
      if (ec == bhttp::error::need_more) ec = {};
      if (ec) break;
      if (!headerChecked && parser.is_header_done()) {
        headerChecked = true;
        const auto& hdr = parser.get();
        if (static_cast<std::size_t>(std::distance(hdr.begin(), hdr.end())) > limits.headerCount) {
          early = errorResponse(431, "RequestHeaderFieldsTooLarge", "Request Header Fields Too Large");
          break;
        }
        if (!parser.is_done() && hdr.version() >= 11 && beast::iequals(hdr[bhttp::field::expect], "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, hdr.version()};
          stream.expires_after(limits.writeTimeout);
          auto [cec, cn] = co_await bhttp::async_write(stream, cont, asio::as_tuple(asio::use_awaitable));
          if (cec) {
            ec = cec;
            break;
          }
          if (deadline) stream.expires_at(*deadline);  // the body gets what is left of the request's time
        }
      }
      if (parser.is_done()) break;
      if (used > 0 && buf.size() > 0) continue;  // more buffered input to parse
      if (!deadline) {
        deadline = std::chrono::steady_clock::now() + limits.requestTimeout;
        stream.expires_at(*deadline);
      }
      auto [rec, n] = co_await stream.async_read_some(buf.prepare(kReadChunk), asio::as_tuple(asio::use_awaitable));
      if (rec == asio::error::eof) {
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
      break;  // timeout, reset or EOF mid-request: nothing useful to answer
    }
    if (early) {
      early->keep_alive(false);
      early->prepare_payload();
      stream.expires_after(limits.writeTimeout);
      co_await writeMessage(stream, *early);
      break;
    }

    Request req = parser.release();
    Reply reply;
    try {
      reply = co_await spec.handler->handle(req, conn);
    } catch (const std::exception& e) {
      spdlog::error("{} handler failed: {}", spec.name, e.what());
      reply = Reply(errorResponse(500, "InternalFailure", "Internal server error"));
    }
    Response& res = reply.response;
    bool keepAlive = req.keep_alive() && !worker.draining;
    res.version(req.version());
    const unsigned status = res.result_int();
    const bool bodiless = status < 200 || status == 204 || status == 304;   // no Content-Length at all
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
    beast::error_code wec;
    if (reply.rest) {
      wec = co_await relayMessage(stream, res, *reply.rest, limits.writeTimeout);
      if (wec) spdlog::info("{}: response relay cut: {}", spec.name, wec.message());
    } else {
      stream.expires_after(limits.writeTimeout);
      wec = co_await writeMessage(stream, res);
    }
    slot->busy = false;
    if (wec || !keepAlive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  worker.sessions.erase(slot);
  if (liveSessions.fetch_sub(1) == 1 && stopping.load()) stopAll();
}

asio::awaitable<void> Server::Impl::acceptLoop(tcp::acceptor& acceptor, const ListenerSpec& spec) {
  for (;;) {
    unsigned index = nextWorker.fetch_add(1, std::memory_order_relaxed) % workers.size();
    Worker& worker = *workers[index];
    auto [ec, socket] = co_await acceptor.async_accept(worker.ioc, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      spdlog::warn("{} accept failed: {}", spec.name, ec.message());
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    liveSessions.fetch_add(1);
    asio::co_spawn(worker.ioc, session(std::move(socket), spec, worker, index), asio::detached);
  }
}

void Server::Impl::beginDrain(std::chrono::milliseconds drainTimeout) {
  for (auto& a : acceptors) {
    beast::error_code ignored;
    a->close(ignored);
  }
  for (auto& w : workers) {
    asio::post(w->ioc, [worker = w.get()] {
      worker->draining = true;
      for (auto& s : worker->sessions) {
        if (!s.busy) {
          beast::error_code ignored;
          s.socket->cancel(ignored);
          s.socket->shutdown(tcp::socket::shutdown_both, ignored);
        }
      }
    });
  }
  if (liveSessions.load() == 0) {
    stopAll();
    return;
  }
  drainTimer = std::make_unique<asio::steady_timer>(workers[0]->ioc, drainTimeout);
  drainTimer->async_wait([this](beast::error_code ec) {
    if (!ec) {
      spdlog::warn("drain timeout: cutting {} connection(s)", liveSessions.load());
      stopAll();
    }
  });
}

void Server::Impl::stopAll() {
  for (auto& w : workers) w->ioc.stop();
}

Server::Server(std::vector<ListenerSpec> listeners, unsigned threads) : impl_(std::make_unique<Impl>()) {
  impl_->specs = std::move(listeners);
  for (unsigned i = 0; i < std::max(1u, threads); ++i) impl_->workers.push_back(std::make_unique<Worker>());
}

Server::~Server() = default;

asio::io_context& Server::workerContext(unsigned i) {
  return impl_->workers.at(i)->ioc;
}

unsigned Server::threads() const {
  return static_cast<unsigned>(impl_->workers.size());
}

std::vector<tcp::endpoint> Server::bind() {
  std::vector<tcp::endpoint> bound;
  for (auto& spec : impl_->specs) {
    auto acceptor = std::make_unique<tcp::acceptor>(impl_->workers[0]->ioc);
    tcp::endpoint ep(asio::ip::make_address(spec.host), spec.port);
    acceptor->open(ep.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->bind(ep);
    acceptor->listen(asio::socket_base::max_listen_connections);
    bound.push_back(acceptor->local_endpoint());
    impl_->acceptors.push_back(std::move(acceptor));
  }
  return bound;
}

void Server::run() {
  for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
    asio::co_spawn(impl_->workers[0]->ioc, impl_->acceptLoop(*impl_->acceptors[i], impl_->specs[i]), asio::detached);
  }
  std::vector<std::thread> threads;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& w : impl_->workers) guards.push_back(asio::make_work_guard(w->ioc));
  for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
    threads.emplace_back([w = impl_->workers[i].get()] { w->ioc.run(); });
  }
  impl_->workers[0]->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::stopGracefully(std::chrono::milliseconds drainTimeout) {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->workers[0]->ioc, [this, drainTimeout] { impl_->beginDrain(drainTimeout); });
}

}  // namespace portico::http
