#include "functions/function_logs.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace portico::functions {

InvocationFrame frameInvocation(const InvocationReport& r) {
  char report[256];
  std::snprintf(report, sizeof report,
                "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %lld ms\tMemory Size: %d MB\tMax "
                "Memory Used: %llu MB\t",
                r.requestId.c_str(), r.durationMs, static_cast<long long>(std::ceil(r.durationMs)), r.memorySizeMb,
                static_cast<unsigned long long>(r.maxMemoryUsedMb));
  InvocationFrame frame{"START RequestId: " + r.requestId + " Version: " + r.version, "END RequestId: " + r.requestId,
                        report};
  if (r.initDurationMs) {
    char init[64];
    std::snprintf(init, sizeof init, "Init Duration: %.2f ms\t", *r.initDurationMs);
    frame.report += init;
  }
  return frame;
}

void FunctionLogs::appendFrame(const std::string& function, const std::string& stream, std::int64_t startMs,
                               std::int64_t endMs, const InvocationFrame& frame, const std::string& platformVerdict) {
  append(function, stream, startMs, frame.start);
  if (!platformVerdict.empty()) append(function, stream, endMs, platformVerdict);
  append(function, stream, endMs, frame.end);
  append(function, stream, endMs, frame.report);
}

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
