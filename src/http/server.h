// Server: the multi-threaded HTTP/1.1 server behind both listeners (admin and data plane).
//
// One io_context per worker thread (WorkerLoops). Each listener has one acceptor
// (Listeners); accepted connections are spread round-robin over the workers and
// stay there for life, so per-worker state (upstream pools) needs no locks.
// Keep-alive and pipelining are handled per connection; framing errors close the
// connection after an error response. stopGracefully() stops accepting, closes
// idle connections, lets in-flight requests finish, then stops the loops.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/handler.h"
#include "http/listeners.h"
#include "http/request_limits.h"
#include "http/worker_loops.h"

namespace portico::http {

/// What serves a bound listener (Listeners' i-th, for routes[i]).
class TlsCatalog;

struct ListenerRoute {
  Handler* handler = nullptr;  // borrowed; must outlive the server
  RequestLimits limits;
  TlsCatalog* tls = nullptr;  // set: the listener speaks TLS with these certificates (borrowed)
};

/// A listener to bind and serve, all in one (Server's second constructor).
struct ListenerSpec {
  std::string name;  // for logs: "admin", "data"
  std::string host;
  unsigned short port = 0;     // 0 = any free port
  Handler* handler = nullptr;  // borrowed; must outlive the server
  RequestLimits limits;
  TlsCatalog* tls = nullptr;  // set: TLS (borrowed)
};

class Server {
 public:
  /// Serves the bound listeners on the loops, listener i by routes[i]. All borrowed.
  Server(WorkerLoops& loops, Listeners& listeners, std::vector<ListenerRoute> routes);
  /// Makes its own loops and binds the listeners at bind() (or run()): for tests.
  Server(std::vector<ListenerSpec> listeners, unsigned threads);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds every listener if not bound yet (throws std::system_error on failure) and returns the
  /// bound endpoints in the order given.
  std::vector<boost::asio::ip::tcp::endpoint> bind();
  /// Runs the worker loops on `threads` threads (the caller's thread is one of them) until
  /// the server is stopped.
  void run();
  /// Thread-safe, idempotent: stop accepting, drain, then stop. Connections still busy after
  /// drainTimeout are cut.
  void stopGracefully(std::chrono::milliseconds drainTimeout);
  /// Number of worker loops.
  unsigned threads() const;
  /// Worker i's event loop, for per-worker state (upstream pools) that must live on it.
  boost::asio::io_context& workerContext(unsigned i);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace portico::http
