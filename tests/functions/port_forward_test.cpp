// PortForward: bytes relayed both ways unchanged through the forward (a half-close passed on),
// at most kMaxConnections at once, and close() ends the listener and every connection.
#include "functions/port_forward.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <future>
#include <thread>

namespace portico::functions {
namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// A listening socket on 127.0.0.1 (standing in for the one made inside a namespace).
int loopbackListener(unsigned short& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::listen(fd, 64), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

/// The target: answers "echo:" + everything it read, once the client half-closed.
asio::awaitable<void> echoOnce(tcp::acceptor& acceptor) {
  while (true) {
    boost::system::error_code ec;
    tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::string got;
    co_await asio::async_read(s, asio::dynamic_buffer(got), asio::redirect_error(asio::use_awaitable, ec));
    std::string reply = "echo:" + got;
    co_await asio::async_write(s, asio::buffer(reply), asio::redirect_error(asio::use_awaitable, ec));
  }
}

struct Fixture {
  asio::io_context loop;
  tcp::acceptor target{loop, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  unsigned short insidePort = 0;
  std::shared_ptr<PortForward> forward;
  std::thread thread;

  Fixture() {
    forward = std::make_shared<PortForward>(loop, target.local_endpoint());
    EXPECT_TRUE(forward->adopt(loopbackListener(insidePort)));
    forward->start();
    asio::co_spawn(loop, echoOnce(target), asio::detached);
    thread = std::thread([this] { loop.run(); });
  }
  ~Fixture() {
    asio::post(loop, [this] {
      forward->close();
      target.close();
    });
    thread.join();
  }
};

std::string roundTrip(unsigned short port, const std::string& payload) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(s, asio::buffer(payload));
  s.shutdown(tcp::socket::shutdown_send);
  std::string got;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(got), ec);
  return got;
}

TEST(PortForward, RelaysBothWaysAndPassesTheHalfCloseOn) {
  Fixture f;
  EXPECT_EQ(roundTrip(f.insidePort, "hello"), "echo:hello");
  const std::string big(3 * PortForward::kBufferBytes + 17, 'x');  // more than one buffer each way
  EXPECT_EQ(roundTrip(f.insidePort, big), "echo:" + big);
}

TEST(PortForward, BoundedConnectionsAtOnce) {
  Fixture f;
  asio::io_context io;
  std::vector<tcp::socket> held;
  for (int i = 0; i < PortForward::kMaxConnections; ++i) {
    held.emplace_back(io);
    held.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), f.insidePort));
    asio::write(held.back(), asio::buffer("x", 1));  // accepted and relayed: the echo waits for more
  }
  // Let the forward accept and relay them all.
  for (int i = 0; i < 200; ++i) {
    std::promise<int> n;
    asio::post(f.loop, [&] { n.set_value(f.forward->connections()); });
    if (n.get_future().get() == PortForward::kMaxConnections) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  tcp::socket extra(io);
  extra.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), f.insidePort));
  char c;
  boost::system::error_code ec;
  extra.read_some(asio::buffer(&c, 1), ec);
  EXPECT_EQ(ec, asio::error::eof) << "one more than kMaxConnections is closed at once: " << ec.message();
  held.clear();  // closing them frees the slots
  bool served = false;
  for (int i = 0; i < 200 && !served; ++i) {
    served = roundTrip(f.insidePort, "again") == "echo:again";
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(served);
}

TEST(PortForward, CloseEndsEveryConnection) {
  Fixture f;
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), f.insidePort));
  asio::write(s, asio::buffer("partial", 7));
  std::promise<void> closed;
  asio::post(f.loop, [&] {
    f.forward->close();
    closed.set_value();
  });
  closed.get_future().get();
  char c;
  boost::system::error_code ec;
  s.read_some(asio::buffer(&c, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
}

}  // namespace
}  // namespace portico::functions
