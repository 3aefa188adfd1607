// LogGroups: the CloudWatch Logs groups the gateway writes, in memory: a stage's access log
// group (accessLogSettings.destinationArn) and its execution logs
// (API-Gateway-Execution-Logs_{restApiId}/{stageName}; a canary's with "/Canary" after the name).
// Each group is bounded by bytes (the oldest events go first) and, once put-retention-policy sets
// one, by age; either way the logs never fill memory or disk. Written by every worker loop (one
// short critical section per request that logs), read by the Logs API. Thread-safe.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace portico::gateway {

struct LogGroupEvent {
  std::int64_t timestampMs = 0;
  std::string stream;
  std::string message;
};

struct LogGroupInfo {
  std::string name;
  std::int64_t creationTimeMs = 0;
  std::optional<int> retentionDays;
  std::size_t storedBytes = 0;
};

struct LogStreamInfo {
  std::string name;
  std::int64_t firstEventMs = 0;
  std::int64_t lastEventMs = 0;
};

/// The log group an access log's destinationArn names ("arn:aws:logs:{region}:{account}:log-group:{name}",
/// with or without a trailing ":*"), or "" (a Firehose stream: not a log group Portico keeps).
std::string logGroupOfArn(std::string_view arn);

class LogGroups {
 public:
  /// The retention periods CloudWatch Logs accepts (days).
  static bool validRetention(int days);

  explicit LogGroups(std::size_t maxBytesPerGroup = 16u << 20) : maxBytes_(maxBytesPerGroup) {}

  /// Appends events (created in order, timestampMs set) to group/stream; the group is created
  /// on its first event.
  void append(const std::string& group, const std::string& stream, std::vector<LogGroupEvent> events);
  /// The group's events at or after sinceMs (and before untilMs), oldest first, at most limit;
  /// nullopt when there is no such group.
  std::optional<std::vector<LogGroupEvent>> read(std::string_view group, std::int64_t sinceMs = 0,
                                                 std::int64_t untilMs = INT64_MAX, std::size_t limit = 10000) const;
  std::optional<std::vector<LogStreamInfo>> streams(std::string_view group) const;
  /// Groups whose name starts with prefix, by name.
  std::vector<LogGroupInfo> groups(std::string_view prefix = "") const;
  bool exists(std::string_view group) const;
  /// CreateLogGroup: false when it exists.
  bool create(const std::string& group, std::int64_t nowMs);
  /// DeleteLogGroup: false when there was none.
  bool remove(std::string_view group);
  /// Retention for a group (created if need be, as for a function's group that lives elsewhere);
  /// nullopt removes it.
  void setRetention(const std::string& group, std::optional<int> days, std::int64_t nowMs);
  std::optional<int> retention(std::string_view group) const;
  /// Drops events older than their group's retention, as of nowMs (also done as events arrive).
  void expire(std::int64_t nowMs);

 private:
  struct Group {
    std::int64_t creationTimeMs = 0;
    std::optional<int> retentionDays;
    std::deque<LogGroupEvent> events;
    std::size_t bytes = 0;
  };
  void trim(Group& g, std::int64_t nowMs);

  mutable std::mutex mu_;
  std::map<std::string, Group, std::less<>> groups_;
  std::size_t maxBytes_;
};

}  // namespace portico::gateway
