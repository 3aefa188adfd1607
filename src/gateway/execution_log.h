// ExecutionLog: the step-by-step log AWS writes for a request ("Execution log for request
// <id>", then "<date> : <step>" lines). The pipeline writes to it only when a request carries
// one: TestInvokeMethod's, and a data-plane request's when its method's logging/loglevel is on
// (the others pay a null check).
#pragma once
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::gateway {

class ExecutionLog {
 public:
  explicit ExecutionLog(std::chrono::system_clock::time_point started) : started_(started) {}

  /// Appends "<date> : <line>", dated with the time the request started (as AWS's test log does).
  void add(std::string_view line);
  /// "Execution log for request <id>\n" followed by every line, each ending in '\n'.
  std::string text(std::string_view requestId) const;
  /// The lines as added (a stage's execution log writes each as "(<request id>) <line>").
  const std::vector<std::string>& lines() const { return lines_; }

  /// AWS's rendering of a parameter map: "{a=1, b=2}"; values longer than `limit` in total end in
  /// " [TRUNCATED]".
  static std::string formatMap(const std::vector<std::pair<std::string, std::string>>& entries,
                               std::size_t limit = 1000);
  static std::string formatMap(const std::map<std::string, std::string>& entries, std::size_t limit = 1000);

 private:
  std::chrono::system_clock::time_point started_;
  std::vector<std::string> lines_;
};

/// "Thu Nov 26 12:00:00 UTC 2026", the date format of AWS's execution log.
std::string executionLogDate(std::chrono::system_clock::time_point t);

}  // namespace portico::gateway
