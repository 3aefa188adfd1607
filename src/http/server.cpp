// Server implementation: acceptors, worker loops and the per-connection session.
#include "http/server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "http/error_responses.h"
#include "http/message_writer.h"
#include "http/request_framing.h"

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

namespace {

/// One connection as the worker sees it: the socket (to cut idle connections at
/// shutdown) and whether a request is in flight.
struct ListenerLoad;

struct SessionSlot {
  tcp::socket* socket = nullptr;
  bool busy = false;
  ListenerLoad* load = nullptr;  // the listener it came on
};

struct Worker {
  asio::io_context ioc{1};
  std::list<SessionSlot> sessions;  // touched only on this worker's thread
  bool draining = false;            // ditto
};

/// One listener's connection accounting: how many are open, how many of them idle (between
/// keep-alive requests), and per client address. Sessions on every worker update it.
struct ListenerLoad {
  std::atomic<std::size_t> open{0};
  std::atomic<std::size_t> idle{0};
  std::atomic<std::size_t> shedRequests{0};  // idle connections the acceptor asked the workers to close
  std::mutex mu;                             // guards perClient
  std::unordered_map<std::string, std::size_t> perClient;

  bool admitClient(const std::string& address, std::size_t cap) {
    std::lock_guard lock(mu);
    std::size_t& n = perClient[address];
    if (n >= cap) return false;
    ++n;
    return true;
  }
  std::atomic<std::size_t> bodies{0};  // body bytes reserved by requests being read or handled
  bool reserveBody(std::size_t bytes, std::size_t cap) {
    std::size_t now = bodies.load();
    do {
      if (now + bytes > cap) return false;
    } while (!bodies.compare_exchange_weak(now, now + bytes));
    return true;
  }
  void releaseBody(std::size_t bytes) {
    if (bytes > 0) bodies.fetch_sub(bytes);
  }
  void releaseClient(const std::string& address) {
    std::lock_guard lock(mu);
    if (auto it = perClient.find(address); it != perClient.end() && --it->second == 0) perClient.erase(it);
  }
};

/// A log line at most once a second, with how many were held back meanwhile.
class RateLimitedLog {
 public:
  void warn(const std::string& line) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::seconds(1)) {
      ++suppressed_;
      return;
    }
    if (suppressed_ > 0) {
      spdlog::warn("{} ({} more like it in the last second)", line, suppressed_);
    } else {
      spdlog::warn("{}", line);
    }
    last_ = now;
    suppressed_ = 0;
  }

 private:
  std::chrono::steady_clock::time_point last_{};
  std::size_t suppressed_ = 0;
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
  std::vector<std::unique_ptr<ListenerLoad>> loads;  // per listener, as specs
  int reserveFd = -1;  // held for the moment descriptors run out: freed to accept-and-close

  asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, const ListenerSpec& spec, ListenerLoad& load);
  asio::awaitable<void> session(tcp::socket socket, const ListenerSpec& spec, Worker& worker, unsigned index,
                                ListenerLoad& load, std::string client);
  void shedIdle(ListenerLoad& load);
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
                                            unsigned index, ListenerLoad& load, std::string client) {
  beast::tcp_stream stream(std::move(socket));
  auto slot = worker.sessions.insert(worker.sessions.end(), SessionSlot{&stream.socket(), false, &load});
  ConnectionInfo conn;
  beast::error_code ignored;
  conn.peerAddress = client;
  conn.workerIndex = index;
  const RequestLimits& limits = spec.limits;
  beast::flat_buffer buf;

  load.idle.fetch_add(1);
  for (;;) {
    if (worker.draining) break;
    if (!co_await waitForRequest(stream, buf, limits.idleTimeout)) break;
    slot->busy = true;
    load.idle.fetch_sub(1);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.headerBytes));
    parser.body_limit(limits.bodyBytes);
    // Parse what is buffered; read more (within the request timeout) only when the parser needs
    // it. A request that arrived whole costs no further I/O operation.
    beast::error_code ec;
    std::optional<Response> early;
    bool headerChecked = false;
    std::size_t reserved = 0;  // body bytes this request holds of the listener's budget
    struct ReleaseBody {
      ListenerLoad& load;
      std::size_t& bytes;
      ~ReleaseBody() { load.releaseBody(std::exchange(bytes, 0)); }
    } releaseBody{load, reserved};
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
          HeadVerdict verdict = spec.handler->checkHead(hdr.base(), conn);
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
          if (!load.reserveBody(want, limits.maxBufferedBodyBytes)) {
            early = errorResponse(503, "ServiceUnavailableException", "Too many request bodies in flight; retry");
            break;
          }
          reserved = want;
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
    if (reply.response.result_int() < 200) {
      // A 1xx would go out as an interim response with no final one after it (the client waits;
      // on keep-alive the next response is taken for this one's). A handler never means that:
      // it is an integration's or a template's status passed through.
      spdlog::warn("{}: a handler answered {} {}: sent as 502", spec.name, reply.response.result_int(),
                   std::string_view(req.target()).substr(0, 200));
      reply = Reply(errorResponse(502, "BadGatewayException", "Internal server error"));
    }
    Response& res = reply.response;
    bool keepAlive = req.keep_alive() && !worker.draining;
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
    beast::error_code wec;
    if (reply.rest) {
      wec = co_await relayMessage(stream, res, *reply.rest, limits.writeTimeout);
      if (wec) spdlog::info("{}: response relay cut: {}", spec.name, wec.message());
    } else {
      stream.expires_after(limits.writeTimeout);
      wec = co_await writeMessage(stream, res);
    }
    slot->busy = false;
    load.idle.fetch_add(1);
    if (wec || !keepAlive) break;
  }
  if (!slot->busy) load.idle.fetch_sub(1);
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
  worker.sessions.erase(slot);
  load.open.fetch_sub(1);
  load.releaseClient(client);
  if (liveSessions.fetch_sub(1) == 1 && stopping.load()) stopAll();
}

asio::awaitable<void> Server::Impl::acceptLoop(tcp::acceptor& acceptor, const ListenerSpec& spec, ListenerLoad& load) {
  asio::steady_timer pause(acceptor.get_executor());
  RateLimitedLog log;
  for (;;) {
    unsigned index = nextWorker.fetch_add(1, std::memory_order_relaxed) % workers.size();
    Worker& worker = *workers[index];
    auto [ec, socket] = co_await acceptor.async_accept(worker.ioc, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory) {
        // Out of descriptors: the connection waiting would be offered again at once, for ever.
        // Free the reserve to take it and close it (the client hears a close, not silence), then
        // stop accepting for a moment so that connections in progress can finish and free theirs.
        if (reserveFd >= 0) {
          ::close(reserveFd);
          int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
          if (fd >= 0) ::close(fd);
          reserveFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        }
        log.warn(spec.name + ": cannot accept: " + ec.message() + "; pausing accepts for 100 ms");
        pause.expires_after(std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      log.warn(spec.name + " accept failed: " + ec.message());
      continue;
    }
    beast::error_code ignored;
    auto remote = socket.remote_endpoint(ignored);
    std::string client = ignored ? std::string() : remote.address().to_string();
    if (load.open.load() >= spec.limits.maxConnections) {
      // Full: an idle keep-alive connection makes room if there is one; else the new one is refused.
      if (load.idle.load() <= load.shedRequests.load()) {
        log.warn(spec.name + ": " + std::to_string(load.open.load()) +
                 " connections open (the limit): refusing one from " + client);
        socket.close(ignored);
        continue;
      }
      shedIdle(load);
    }
    if (!load.admitClient(client, spec.limits.maxConnectionsPerClient)) {
      log.warn(spec.name + ": " + client + " already has " + std::to_string(spec.limits.maxConnectionsPerClient) +
               " connections (the limit): refusing another");
      socket.close(ignored);
      continue;
    }
    load.open.fetch_add(1);
    socket.set_option(tcp::no_delay(true), ignored);
    liveSessions.fetch_add(1);
    asio::co_spawn(worker.ioc, session(std::move(socket), spec, worker, index, load, std::move(client)),
                   asio::detached);
  }
}

void Server::Impl::shedIdle(ListenerLoad& load) {
  load.shedRequests.fetch_add(1);
  for (auto& w : workers) {
    asio::post(w->ioc, [worker = w.get(), &load] {
      for (auto& s : worker->sessions) {
        if (s.load != &load || s.busy) continue;
        std::size_t want = load.shedRequests.load();
        if (want == 0) return;
        if (!load.shedRequests.compare_exchange_strong(want, want - 1)) return;
        beast::error_code ignored;
        s.socket->cancel(ignored);
        s.socket->shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
    });
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

Server::~Server() {
  if (impl_->reserveFd >= 0) ::close(impl_->reserveFd);
}

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
  if (impl_->reserveFd < 0) impl_->reserveFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
    impl_->loads.push_back(std::make_unique<ListenerLoad>());
  }
  for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
    asio::co_spawn(impl_->workers[0]->ioc, impl_->acceptLoop(*impl_->acceptors[i], impl_->specs[i], *impl_->loads[i]),
                   asio::detached);
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
