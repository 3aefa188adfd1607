#include "app/metrics_roller.h"

#include <boost/asio/post.hpp>

namespace portico::app {

MetricsRoller::MetricsRoller(boost::asio::io_context& loop, metrics::MetricsRegistry& registry,
                             std::chrono::milliseconds interval)
    : registry_(registry), timer_(loop), interval_(interval) {
  boost::asio::post(loop, [this] { schedule(); });
}

MetricsRoller::~MetricsRoller() {
  stop();
}

void MetricsRoller::stop() {
  stopped_ = true;
  timer_.cancel();
}

void MetricsRoller::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    registry_.roll();
    schedule();
  });
}

}  // namespace portico::app
