// Listeners: the server's listening sockets, bound (on the first worker loop) before the handlers
// exist, so that a handler can be built knowing the address it is served on (the console's link to
// the data plane, pre-signed code URLs) when a port is chosen by the system (port 0).
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/worker_loops.h"

namespace portico::http {

struct ListenAddress {
  std::string name;  // for logs: "admin", "data"
  std::string host;
  unsigned short port = 0;  // 0 = any free port
};

class Listeners {
 public:
  /// Binds every address, in order (throws std::system_error on failure).
  Listeners(WorkerLoops& loops, const std::vector<ListenAddress>& addresses);

  std::size_t size() const { return acceptors_.size(); }
  const std::string& name(std::size_t i) const { return names_.at(i); }
  boost::asio::ip::tcp::endpoint endpoint(std::size_t i) const;
  /// "127.0.0.1:8080": the bound address, for URLs and the banner.
  std::string address(std::size_t i) const;
  boost::asio::ip::tcp::acceptor& acceptor(std::size_t i) { return *acceptors_.at(i); }

 private:
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
};

}  // namespace portico::http
