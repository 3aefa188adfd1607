#include "functions/function_logs.h"

namespace portico::functions {

void FunctionLogs::append(const std::string& function, std::int64_t timestampMs, std::string message) {
  std::lock_guard lock(mu_);
  auto& s = streams_[function];
  s.bytes += message.size();
  s.events.push_back({timestampMs, std::move(message)});
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
    if (out.size() >= limit) break;
  }
  return out;
}

void FunctionLogs::forget(const std::string& function) {
  std::lock_guard lock(mu_);
  streams_.erase(function);
}

}  // namespace portico::functions
