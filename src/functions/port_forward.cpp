#include "functions/port_forward.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace portico::functions {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct PortForward::Connection {
  explicit Connection(asio::io_context& loop) : inside(loop), outside(loop) {}
  tcp::socket inside;   // the function's end
  tcp::socket outside;  // Portico's connection to the target
  int pumping = 0;
  bool connected = false;
  Clock::time_point lastActive = Clock::now();
  void closeBoth() {
    boost::system::error_code ec;
    inside.close(ec);
    outside.close(ec);
  }
};

namespace {

/// Copies `from` → `to` until either end closes; passes the end of `from`'s data on as a half-close.
asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to, Clock::time_point& lastActive) {
  std::vector<char> buffer(PortForward::kBufferBytes);
  boost::system::error_code ec;
  while (true) {
    std::size_t n = co_await from.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    lastActive = Clock::now();
    co_await asio::async_write(to, asio::buffer(buffer.data(), n), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  boost::system::error_code ignored;
  to.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

PortForward::PortForward(asio::io_context& loop, tcp::endpoint target)
    : loop_(loop), target_(std::move(target)), acceptor_(loop), sweeper_(loop) {}

Status PortForward::adopt(int listeningFd) {
  boost::system::error_code ec;
  acceptor_.assign(tcp::v4(), listeningFd, ec);  // made inside the namespace, IPv4
  if (ec) return ApiError::lambda("ServiceException", 500, "cannot take a forwarded port's socket: " + ec.message());
  return Ok{};
}

void PortForward::start() {
  auto self = shared_from_this();
  asio::co_spawn(
      loop_, [self] { return self->acceptLoop(); }, asio::detached);
  asio::co_spawn(
      loop_, [self] { return self->sweepIdle(); }, asio::detached);
}

void PortForward::close() {
  closed_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  sweeper_.cancel();
  for (auto& c : live_) c->closeBoth();
  live_.clear();
}

void PortForward::forget(const std::shared_ptr<Connection>& c) {
  c->closeBoth();
  live_.erase(std::remove(live_.begin(), live_.end(), c), live_.end());
}

asio::awaitable<void> PortForward::acceptLoop() {
  auto self = shared_from_this();
  while (!closed_) {
    auto c = std::make_shared<Connection>(loop_);
    boost::system::error_code ec;
    co_await acceptor_.async_accept(c->inside, asio::redirect_error(asio::use_awaitable, ec));
    if (closed_ || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) break;
    if (ec) {  // ECONNABORTED, EMFILE, ...: not the end of the forward; a moment's pause, then on
      asio::steady_timer pause(loop_);
      pause.expires_after(std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (static_cast<int>(live_.size()) >= kMaxConnections) {
      c->closeBoth();  // bounded: the function holds enough already
      continue;
    }
    live_.push_back(c);
    asio::co_spawn(loop_, relay(c), asio::detached);
  }
}

asio::awaitable<void> PortForward::sweepIdle() {
  auto self = shared_from_this();
  while (!closed_) {
    sweeper_.expires_after(kIdleTimeout / 4);
    boost::system::error_code ec;
    co_await sweeper_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (closed_) break;
    const auto cutoff = Clock::now() - kIdleTimeout;
    std::vector<std::shared_ptr<Connection>> idle;
    for (auto& c : live_) {
      if (c->lastActive < cutoff) idle.push_back(c);
    }
    for (auto& c : idle) forget(c);
  }
}

asio::awaitable<void> PortForward::relay(std::shared_ptr<Connection> c) {
  auto self = shared_from_this();
  boost::system::error_code ec;
  asio::steady_timer deadline(loop_);
  deadline.expires_after(kConnectTimeout);
  deadline.async_wait([c](const boost::system::error_code& e) {
    if (!e && !c->connected) c->closeBoth();  // the connect never completed
  });
  co_await c->outside.async_connect(target_, asio::redirect_error(asio::use_awaitable, ec));
  c->connected = !ec;
  deadline.cancel();
  if (ec || closed_) {
    forget(c);
    co_return;
  }
  c->inside.set_option(tcp::no_delay(true), ec);
  c->outside.set_option(tcp::no_delay(true), ec);
  c->pumping = 2;
  c->lastActive = Clock::now();
  auto done = [self, c](std::exception_ptr) {
    if (--c->pumping == 0) self->forget(c);
  };
  asio::co_spawn(loop_, pump(c->inside, c->outside, c->lastActive), done);
  asio::co_spawn(loop_, pump(c->outside, c->inside, c->lastActive), done);
}

}  // namespace portico::functions
