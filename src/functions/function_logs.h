// FunctionLogs: each function's recent log lines (its output plus Portico's START,
// END and REPORT lines), bounded per function. Written on the loops environments live on
// (the server's workers), read by the management API, hence the mutex.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace portico::functions {

struct LogEvent {
  std::int64_t timestampMs = 0;
  std::string stream;  // the environment's log stream, "YYYY/MM/DD/[version]id"
  std::string message;
};

class FunctionLogs {
 public:
  explicit FunctionLogs(std::size_t maxBytesPerFunction = 1 << 20) : maxBytes_(maxBytesPerFunction) {}

  void append(const std::string& function, const std::string& stream, std::int64_t timestampMs, std::string message);
  /// Events at or after sinceMs, oldest first, at most limit.
  std::vector<LogEvent> read(const std::string& function, std::int64_t sinceMs = 0, std::size_t limit = 10000) const;
  void forget(const std::string& function);

 private:
  struct Stream {
    std::deque<LogEvent> events;
    std::size_t bytes = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Stream, std::less<>> streams_;
  std::size_t maxBytes_;
};

}  // namespace portico::functions
