#include "gateway/execution_log.h"

#include <ctime>

namespace portico::gateway {

std::string executionLogDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return std::string(buf, n);
}

void ExecutionLog::add(std::string_view line) {
  lines_.emplace_back(line);
}

std::string ExecutionLog::text(std::string_view requestId) const {
  const std::string date = executionLogDate(started_);
  std::string out = "Execution log for request ";
  out += requestId;
  out += '\n';
  for (const auto& line : lines_) {
    out += date;
    out += " : ";
    out += line;
    out += '\n';
  }
  return out;
}

std::string ExecutionLog::formatMap(const std::vector<std::pair<std::string, std::string>>& entries,
                                    std::size_t limit) {
  std::string out = "{";
  for (const auto& [k, v] : entries) {
    if (out.size() > 1) out += ", ";
    out += k;
    out += '=';
    out += v;
    if (out.size() > limit) {
      out.resize(limit);
      return out + " [TRUNCATED]";
    }
  }
  return out + "}";
}

std::string ExecutionLog::formatMap(const std::map<std::string, std::string>& entries, std::size_t limit) {
  return formatMap(std::vector<std::pair<std::string, std::string>>(entries.begin(), entries.end()), limit);
}

}  // namespace portico::gateway
