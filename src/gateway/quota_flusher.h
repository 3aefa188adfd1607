// QuotaFlusher: writes QuotaCounters to the store on a timer (every second by default), on the
// loop it is given, until it is destroyed or stop() is called. A failed write is logged and tried
// again at the next tick (the counts stay in memory, and in the usage journal).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "gateway/quota_counters.h"

namespace portico::gateway {

class QuotaFlusher {
 public:
  /// Borrows both; starts ticking at once.
  QuotaFlusher(boost::asio::io_context& loop, QuotaCounters& counters,
               std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~QuotaFlusher();
  QuotaFlusher(const QuotaFlusher&) = delete;
  QuotaFlusher& operator=(const QuotaFlusher&) = delete;

  /// No more ticks (call from the loop's thread, or once the loop has stopped).
  void stop();

 private:
  void schedule();

  QuotaCounters& counters_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  bool stopped_ = false;
};

}  // namespace portico::gateway
