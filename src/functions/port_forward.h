// PortForward: relays TCP connections accepted on a listener inside an environment's network
// namespace to one host address (Portico's management listener, an AWS endpoint on the host's
// loopback): the explicit, narrow way a function reaches something on the host. Bytes are copied
// both ways unchanged; a half-close is passed on. Bounded: kMaxConnections at once per forward
// (more are closed as accepted), a connect that takes longer than kConnectTimeout is dropped, a
// relay idle for kIdleTimeout is closed; an accept error other than the listener's end is waited out.
// Lives on one loop; close() ends the listener and every connection.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "common/result.h"

namespace portico::functions {

class PortForward : public std::enable_shared_from_this<PortForward> {
 public:
  static constexpr int kMaxConnections = 32;
  static constexpr std::size_t kBufferBytes = 64 * 1024;
  static constexpr std::chrono::seconds kConnectTimeout{5};
  /// A relay that moves no byte either way for this long is closed.
  static constexpr std::chrono::seconds kIdleTimeout{120};

  PortForward(boost::asio::io_context& loop, boost::asio::ip::tcp::endpoint target);
  /// Takes a listening socket (made inside the namespace); then start() accepts on it.
  Status adopt(int listeningFd);
  void start();
  void close();
  int connections() const { return static_cast<int>(live_.size()); }

 private:
  struct Connection;
  boost::asio::awaitable<void> acceptLoop();
  boost::asio::awaitable<void> relay(std::shared_ptr<Connection> c);
  boost::asio::awaitable<void> sweepIdle();
  void forget(const std::shared_ptr<Connection>& c);

  boost::asio::io_context& loop_;
  boost::asio::ip::tcp::endpoint target_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sweeper_;  // closes relays idle for kIdleTimeout
  std::vector<std::shared_ptr<Connection>> live_;
  bool closed_ = false;
};

}  // namespace portico::functions
