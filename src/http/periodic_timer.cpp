#include "http/periodic_timer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <exception>

namespace portico::http {

PeriodicTimer::PeriodicTimer(boost::asio::io_context& loop, std::chrono::milliseconds interval, std::string what,
                             std::function<void()> tick)
    : timer_(loop), interval_(interval), what_(std::move(what)), tick_(std::move(tick)) {
  boost::asio::post(loop, [this] { schedule(); });
}

PeriodicTimer::~PeriodicTimer() {
  stop();
}

void PeriodicTimer::stop() {
  stopped_ = true;
  timer_.cancel();
}

void PeriodicTimer::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    try {
      tick_();
    } catch (const std::exception& e) {
      spdlog::error("{} failed: {}", what_, e.what());
    }
    schedule();
  });
}

}  // namespace portico::http
