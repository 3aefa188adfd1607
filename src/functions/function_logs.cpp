#include "functions/function_logs.h"

#include <algorithm>

namespace portico::functions {

void FunctionLogs::append(const std::string& function, const std::string& stream, std::int64_t timestampMs,
                          std::string message) {
  std::lock_guard lock(mu_);
  auto& s = streams_[function];
  s.bytes += message.size();
  s.events.push_back({timestampMs, stream, std::move(message)});
  while (s.bytes > maxBytes_ && !s.events.empty()) {
    s.bytes -= s.events.front().message.size();
    s.events.pop_front();
  }
}

std::vector<LogEvent> FunctionLogs::read(const std::string& function, std::int64_t sinceMs, std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<LogEvent> out;
  auto it = streams_.find(function);
  if (it == streams_.end()) return out;
  for (const auto& e : it->second.events) {
    if (e.timestampMs < sinceMs) continue;
    out.push_back(e);
  }
  // START lines are written when an invocation ends, stamped with its start: order by time.
  std::stable_sort(out.begin(), out.end(),
                   [](const LogEvent& a, const LogEvent& b) { return a.timestampMs < b.timestampMs; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

void FunctionLogs::forget(const std::string& function) {
  std::lock_guard lock(mu_);
  streams_.erase(function);
}

}  // namespace portico::functions
