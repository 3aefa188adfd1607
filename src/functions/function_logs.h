// FunctionLogs: each function's recent log lines (its output plus Portico's START,
// END and REPORT lines), bounded per function. Written on the loops environments live on
// (the server's workers), read by the management API, hence the mutex.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace portico::functions {

struct LogEvent {
  std::int64_t timestampMs = 0;
  std::string stream;  // the environment's log stream, "YYYY/MM/DD/[version]id"
  std::string message;
};

/// What the REPORT line of an invocation says.
struct InvocationReport {
  std::string requestId;
  std::string version;
  double durationMs = 0;
  int memorySizeMb = 0;
  std::uint64_t maxMemoryUsedMb = 0;
  std::optional<double> initDurationMs;  // on the first invocation of an environment
};

/// The lines Lambda frames an invocation's log with.
/// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
struct InvocationFrame {
  std::string start;   // START RequestId: <id> Version: <v>
  std::string end;     // END RequestId: <id>
  std::string report;  // REPORT RequestId: <id>\tDuration: ... (tab-separated, as Lambda writes it)
};
InvocationFrame frameInvocation(const InvocationReport& report);

class FunctionLogs {
 public:
  explicit FunctionLogs(std::size_t maxBytesPerFunction = 1 << 20) : maxBytes_(maxBytesPerFunction) {}

  void append(const std::string& function, const std::string& stream, std::int64_t timestampMs, std::string message);
  /// An invocation's frame around what its environment logged meanwhile: START at its start,
  /// the platform's verdict (a timeout, a crash) if any, END and REPORT at its end.
  void appendFrame(const std::string& function, const std::string& stream, std::int64_t startMs, std::int64_t endMs,
                   const InvocationFrame& frame, const std::string& platformVerdict);
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
