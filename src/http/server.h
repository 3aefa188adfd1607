// Server: the multi-threaded HTTP/1.1 server behind both listeners (admin and data plane).
//
// One io_context per worker thread ("one event loop per core"). Each listener has
// one acceptor; accepted connections are spread round-robin over the workers and
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
#include "http/request_limits.h"

namespace portico::http {

struct ListenerSpec {
  std::string name;  // for logs: "admin", "data"
  std::string host;
  unsigned short port = 0;     // 0 = any free port
  Handler* handler = nullptr;  // borrowed; must outlive the server
  RequestLimits limits;
};

class Server {
 public:
  Server(std::vector<ListenerSpec> listeners, unsigned threads);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds every listener (throws std::system_error on failure) and returns the bound
  /// endpoints in the order given.
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
