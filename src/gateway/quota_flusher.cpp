#include "gateway/quota_flusher.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <exception>

namespace portico::gateway {

QuotaFlusher::QuotaFlusher(boost::asio::io_context& loop, QuotaCounters& counters, std::chrono::milliseconds interval)
    : counters_(counters), timer_(loop), interval_(interval) {
  boost::asio::post(loop, [this] { schedule(); });
}

QuotaFlusher::~QuotaFlusher() {
  stop();
}

void QuotaFlusher::stop() {
  stopped_ = true;
  timer_.cancel();
}

void QuotaFlusher::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    try {
      counters_.flush();
    } catch (const std::exception& e) {
      spdlog::error("writing quota counts failed: {}", e.what());
    }
    schedule();
  });
}

}  // namespace portico::gateway
