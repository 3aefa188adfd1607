#include "control/logs/logs_api.h"

#include <boost/json.hpp>
#include <set>

#include "common/json_util.h"
#include "functions/function_catalog.h"

namespace portico::control::logs {
namespace bj = boost::json;
namespace {

constexpr std::string_view kGroupPrefix = "/aws/lambda/";

ApiError notFound() {
  return ApiError{
      "ResourceNotFoundException", 400, "The specified log group does not exist.", ErrorShape::kAwsJson, {}};
}

/// The function behind a log group name, or a ResourceNotFoundException.
Result<std::string> functionOf(const bj::object& body, store::Store& store) {
  std::string group = json::strOr(body, "logGroupName", "");
  if (!group.starts_with(kGroupPrefix)) return notFound();
  std::string name = group.substr(kGroupPrefix.size());
  if (!store.get(functions::kFunctionKind, "", name)) return notFound();
  return name;
}

std::int64_t intOr(const bj::object& o, std::string_view key, std::int64_t fallback) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : fallback;
}

/// CloudWatch's filter pattern, in its simplest form: every term must occur
/// (a "quoted phrase" is one term). An empty pattern matches everything.
bool matches(std::string_view message, std::string_view pattern) {
  std::size_t i = 0;
  while (i < pattern.size()) {
    while (i < pattern.size() && pattern[i] == ' ') ++i;
    if (i >= pattern.size()) break;
    std::string term;
    if (pattern[i] == '"') {
      auto end = pattern.find('"', i + 1);
      term = pattern.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
      i = end == std::string_view::npos ? pattern.size() : end + 1;
    } else {
      auto end = pattern.find(' ', i);
      term = pattern.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      i = end == std::string_view::npos ? pattern.size() : end;
    }
    if (message.find(term) == std::string_view::npos) return false;
  }
  return true;
}

bj::object eventJson(const functions::LogEvent& e, std::size_t index, bool withStream) {
  bj::object o{{"timestamp", e.timestampMs}, {"message", e.message}, {"ingestionTime", e.timestampMs}};
  if (withStream) {
    o["logStreamName"] = e.stream;
    o["eventId"] = std::to_string(index);
  }
  return o;
}

Result<AdminReply> dispatch(const AdminCall& call, functions::FunctionLogs& logs, store::Store& store) {
  std::string target = call.header("X-Amz-Target");
  auto body = call.json();
  if (!body) return body.takeError();
  auto fn = functionOf(*body, store);
  if (target == "Logs_20140328.FilterLogEvents" || target == "Logs_20140328.GetLogEvents") {
    if (!fn) return fn.takeError();
    bool filter = target.ends_with("FilterLogEvents");
    std::int64_t start = intOr(*body, "startTime", 0), end = intOr(*body, "endTime", INT64_MAX);
    std::size_t limit = static_cast<std::size_t>(std::clamp<std::int64_t>(intOr(*body, "limit", 10000), 1, 10000));
    std::string pattern = json::strOr(*body, "filterPattern", "");
    std::string stream = json::strOr(*body, "logStreamName", "");
    std::set<std::string> streams;
    if (auto* names = body->if_contains("logStreamNames"); names && names->is_array()) {
      for (auto& n : names->get_array()) {
        if (n.is_string()) streams.emplace(n.get_string());
      }
    }
    if (!stream.empty()) streams.insert(stream);
    bj::array events;
    std::size_t index = 0;
    for (const auto& e : logs.read(*fn, start)) {
      ++index;
      if (e.timestampMs >= end || !matches(e.message, pattern)) continue;
      if (!streams.empty() && !streams.contains(e.stream)) continue;
      events.push_back(eventJson(e, index, filter));
      if (events.size() >= limit) break;
    }
    bj::object out{{"events", std::move(events)}};
    if (filter) {
      out["searchedLogStreams"] = bj::array();
    } else {
      out["nextForwardToken"] = "f/0";
      out["nextBackwardToken"] = "b/0";
    }
    return AdminReply{200, bj::value(std::move(out)), std::nullopt, "application/x-amz-json-1.1", {}};
  }
  if (target == "Logs_20140328.DescribeLogStreams") {
    if (!fn) return fn.takeError();
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> seen;  // stream → first, last
    for (const auto& e : logs.read(*fn)) {
      if (e.stream.empty()) continue;
      auto [it, fresh] = seen.try_emplace(e.stream, e.timestampMs, e.timestampMs);
      if (!fresh) it->second.second = e.timestampMs;
    }
    bj::array streams;
    for (auto& [name, range] : seen) {
      streams.push_back(bj::object{{"logStreamName", name},
                                   {"creationTime", range.first},
                                   {"firstEventTimestamp", range.first},
                                   {"lastEventTimestamp", range.second},
                                   {"lastIngestionTime", range.second}});
    }
    return AdminReply{
        200, bj::value(bj::object{{"logStreams", std::move(streams)}}), std::nullopt, "application/x-amz-json-1.1", {}};
  }
  return ApiError{"UnknownOperationException",
                  400,
                  "Portico's CloudWatch Logs does not implement " + target,
                  ErrorShape::kAwsJson,
                  {}};
}

}  // namespace

void registerLogsRoutes(TargetRouter& targets, functions::FunctionLogs& logs, store::Store& store) {
  targets.add("Logs_", [&logs, &store](const AdminCall& call) { return dispatch(call, logs, store); });
}

}  // namespace portico::control::logs
