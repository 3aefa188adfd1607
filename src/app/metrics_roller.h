// MetricsRoller: folds what the metric series counted into their minute points every few
// seconds (MetricsRegistry::roll), so CloudWatch's statistics see each request in the minute it
// happened, within the interval.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "metrics/metrics_registry.h"

namespace portico::app {

class MetricsRoller {
 public:
  /// Borrows both; starts ticking at once.
  MetricsRoller(boost::asio::io_context& loop, metrics::MetricsRegistry& registry,
                std::chrono::milliseconds interval = std::chrono::seconds(5));
  ~MetricsRoller();
  MetricsRoller(const MetricsRoller&) = delete;
  MetricsRoller& operator=(const MetricsRoller&) = delete;

  /// No more ticks (call from the loop's thread, or once the loop has stopped).
  void stop();

 private:
  void schedule();

  metrics::MetricsRegistry& registry_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  bool stopped_ = false;
};

}  // namespace portico::app
