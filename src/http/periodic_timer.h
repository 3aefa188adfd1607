// PeriodicTimer: runs a task on a loop every interval until stopped, off the request path
// (quota counts to the store, metric series into their minutes).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace portico::http {

class PeriodicTimer {
 public:
  /// Borrows the loop; the first tick comes one interval after construction. `tick` runs on the
  /// loop's thread; an exception out of it is logged as "<what> failed: ..." and the ticks go on.
  PeriodicTimer(boost::asio::io_context& loop, std::chrono::milliseconds interval, std::string what,
                std::function<void()> tick);
  ~PeriodicTimer();
  PeriodicTimer(const PeriodicTimer&) = delete;
  PeriodicTimer& operator=(const PeriodicTimer&) = delete;

  /// No more ticks (call from the loop's thread, or once the loop has stopped).
  void stop();

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::string what_;
  std::function<void()> tick_;
  bool stopped_ = false;
};

}  // namespace portico::http
