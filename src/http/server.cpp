// Server implementation: listeners, the worker loops, accepting (connection limits, shedding an
// idle connection to make room, the EMFILE back-off) and the drain. A connection's requests are
// served by session.cpp, read by request_reader.cpp.
#include "http/server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <stdexcept>
#include <thread>

#include "http/asio_names.h"
#include "http/listener_load.h"
#include "http/session.h"

namespace portico::http {
using asio::ip::tcp;

namespace {

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
  std::vector<ListenerSpec> specs;          // as the listeners, with their handlers
  std::unique_ptr<WorkerLoops> ownLoops;    // the all-in-one constructor's
  std::unique_ptr<Listeners> ownListeners;  // ditto, once bound
  WorkerLoops* loops = nullptr;
  Listeners* listeners = nullptr;  // null until bound
  std::vector<std::unique_ptr<Worker>> workers;
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

// A connection's coroutine: served, then no longer counted (the last one of a stopping server stops it).
asio::awaitable<void> Server::Impl::session(tcp::socket socket, const ListenerSpec& spec, Worker& worker,
                                            unsigned index, ListenerLoad& load, std::string client) {
  co_await serveConnection(socket, spec, worker, index, load, client);
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
  for (std::size_t i = 0; listeners && i < listeners->size(); ++i) {
    beast::error_code ignored;
    listeners->acceptor(i).close(ignored);
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

Server::Server(WorkerLoops& loops, Listeners& listeners, std::vector<ListenerRoute> routes)
    : impl_(std::make_unique<Impl>()) {
  if (routes.size() != listeners.size()) throw std::invalid_argument("one route per listener");
  for (std::size_t i = 0; i < routes.size(); ++i) {
    auto ep = listeners.endpoint(i);
    impl_->specs.push_back(
        {listeners.name(i), ep.address().to_string(), ep.port(), routes[i].handler, routes[i].limits, routes[i].tls});
  }
  impl_->loops = &loops;
  impl_->listeners = &listeners;
  for (unsigned i = 0; i < loops.size(); ++i) impl_->workers.push_back(std::make_unique<Worker>(loops.at(i)));
}

Server::Server(std::vector<ListenerSpec> listeners, unsigned threads) : impl_(std::make_unique<Impl>()) {
  impl_->specs = std::move(listeners);
  impl_->ownLoops = std::make_unique<WorkerLoops>(threads);
  impl_->loops = impl_->ownLoops.get();
  for (unsigned i = 0; i < impl_->loops->size(); ++i) {
    impl_->workers.push_back(std::make_unique<Worker>(impl_->loops->at(i)));
  }
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
  if (!impl_->listeners) {
    std::vector<ListenAddress> addresses;
    for (const auto& spec : impl_->specs) addresses.push_back({spec.name, spec.host, spec.port});
    impl_->ownListeners = std::make_unique<Listeners>(*impl_->loops, addresses);
    impl_->listeners = impl_->ownListeners.get();
  }
  std::vector<tcp::endpoint> bound;
  for (std::size_t i = 0; i < impl_->listeners->size(); ++i) bound.push_back(impl_->listeners->endpoint(i));
  return bound;
}

void Server::run() {
  if (!impl_->listeners) bind();
  if (impl_->reserveFd < 0) impl_->reserveFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
    impl_->loads.push_back(std::make_unique<ListenerLoad>());
  }
  for (std::size_t i = 0; i < impl_->specs.size(); ++i) {
    asio::co_spawn(impl_->workers[0]->ioc,
                   impl_->acceptLoop(impl_->listeners->acceptor(i), impl_->specs[i], *impl_->loads[i]), asio::detached);
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
