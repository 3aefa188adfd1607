#include "control/logs/logs_api.h"

#include <re2/re2.h>

#include <boost/json.hpp>
#include <set>

#include "common/json_util.h"
#include "functions/function_catalog.h"

namespace portico::control::logs {
namespace bj = boost::json;
namespace {

constexpr std::string_view kFunctionPrefix = "/aws/lambda/";
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

ApiError notFound() {
  return ApiError{
      "ResourceNotFoundException", 400, "The specified log group does not exist.", ErrorShape::kAwsJson, {}};
}

ApiError invalid(std::string message) {
  return ApiError{"InvalidParameterException", 400, std::move(message), ErrorShape::kAwsJson, {}};
}

std::int64_t intOr(const bj::object& o, std::string_view key, std::int64_t fallback) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->get_int64() : fallback;
}

std::int64_t nowMs(const LogsContext& ctx) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.now().time_since_epoch()).count();
}

/// The function a /aws/lambda/<name> group belongs to, when that function exists.
std::optional<std::string> functionOf(const LogsContext& ctx, std::string_view group) {
  if (!group.starts_with(kFunctionPrefix)) return std::nullopt;
  std::string name(group.substr(kFunctionPrefix.size()));
  if (!ctx.store.get(functions::kFunctionKind, "", name)) return std::nullopt;
  return name;
}

/// The group's events from sinceMs (its retention applied), or ResourceNotFoundException.
Result<std::vector<gateway::LogGroupEvent>> eventsOf(const LogsContext& ctx, const std::string& group,
                                                     std::int64_t sinceMs) {
  if (auto fn = functionOf(ctx, group)) {
    if (auto days = ctx.groups.retention(group)) sinceMs = std::max(sinceMs, nowMs(ctx) - *days * kDayMs);
    std::vector<gateway::LogGroupEvent> out;
    for (auto& e : ctx.functions.read(*fn, sinceMs)) out.push_back({e.timestampMs, e.stream, e.message});
    return out;
  }
  ctx.groups.expire(nowMs(ctx));
  auto events = ctx.groups.read(group, sinceMs);
  if (!events) return notFound();
  return std::move(*events);
}

bool groupExists(const LogsContext& ctx, const std::string& group) {
  return functionOf(ctx, group) || ctx.groups.exists(group);
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

AdminReply ok(bj::object body) {
  return AdminReply{200, bj::value(std::move(body)), std::nullopt, "application/x-amz-json-1.1", {}};
}

Result<AdminReply> readEvents(const LogsContext& ctx, const bj::object& body, bool filter) {
  const std::string group = json::strOr(body, "logGroupName", "");
  std::int64_t start = intOr(body, "startTime", 0), end = intOr(body, "endTime", INT64_MAX);
  auto events = eventsOf(ctx, group, start);
  if (!events) return events.takeError();
  std::size_t limit = static_cast<std::size_t>(std::clamp<std::int64_t>(intOr(body, "limit", 10000), 1, 10000));
  std::string pattern = json::strOr(body, "filterPattern", "");
  std::set<std::string> streams;
  if (auto* names = body.if_contains("logStreamNames"); names && names->is_array()) {
    for (auto& n : names->get_array()) {
      if (n.is_string()) streams.emplace(n.get_string());
    }
  }
  if (auto stream = json::strOr(body, "logStreamName", ""); !stream.empty()) streams.insert(stream);
  bj::array out;
  std::size_t index = 0;
  for (const auto& e : *events) {
    ++index;
    if (e.timestampMs >= end || !matches(e.message, pattern)) continue;
    if (!streams.empty() && !streams.contains(e.stream)) continue;
    bj::object o{{"timestamp", e.timestampMs}, {"message", e.message}, {"ingestionTime", e.timestampMs}};
    if (filter) {
      o["logStreamName"] = e.stream;
      o["eventId"] = std::to_string(index);
    }
    out.push_back(std::move(o));
    if (out.size() >= limit) break;
  }
  bj::object reply{{"events", std::move(out)}};
  if (filter) {
    reply["searchedLogStreams"] = bj::array();
  } else {
    reply["nextForwardToken"] = "f/0";
    reply["nextBackwardToken"] = "b/0";
  }
  return ok(std::move(reply));
}

Result<AdminReply> describeStreams(const LogsContext& ctx, const bj::object& body) {
  auto events = eventsOf(ctx, json::strOr(body, "logGroupName", ""), 0);
  if (!events) return events.takeError();
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> seen;  // stream → first, last
  for (const auto& e : *events) {
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
  return ok(bj::object{{"logStreams", std::move(streams)}});
}

Result<AdminReply> describeGroups(const LogsContext& ctx, const bj::object& body) {
  const std::string prefix = json::strOr(body, "logGroupNamePrefix", "");
  std::map<std::string, bj::object> found;
  auto add = [&](const std::string& name, std::int64_t created, std::size_t bytes) {
    if (!std::string_view(name).starts_with(prefix)) return;
    bj::object g{{"logGroupName", name},
                 {"creationTime", created},
                 {"storedBytes", bytes},
                 {"metricFilterCount", 0},
                 {"arn", "arn:aws:logs:" + ctx.region + ":" + ctx.accountId + ":log-group:" + name + ":*"}};
    if (auto days = ctx.groups.retention(name)) g["retentionInDays"] = *days;
    found[name] = std::move(g);
  };
  for (const auto& doc : ctx.store.list(functions::kFunctionKind, "")) add(std::string(kFunctionPrefix) + doc.id, 0, 0);
  for (const auto& g : ctx.groups.groups(prefix)) {
    if (!found.contains(g.name)) add(g.name, g.creationTimeMs, g.storedBytes);
  }
  bj::array groups;
  for (auto& [name, g] : found) groups.push_back(std::move(g));
  return ok(bj::object{{"logGroups", std::move(groups)}});
}

Result<AdminReply> createGroup(const LogsContext& ctx, const bj::object& body) {
  static const RE2 kName(R"([\.\-_/#A-Za-z0-9]{1,512})");
  const std::string name = json::strOr(body, "logGroupName", "");
  if (!RE2::FullMatch(name, kName)) {
    return invalid("1 validation error detected: Value '" + name.substr(0, 600) +
                   "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression "
                   "pattern: [\\.\\-_/#A-Za-z0-9]+");
  }
  if (groupExists(ctx, name) || !ctx.groups.create(name, nowMs(ctx))) {
    return ApiError{
        "ResourceAlreadyExistsException", 400, "The specified log group already exists", ErrorShape::kAwsJson, {}};
  }
  return ok({});
}

Result<AdminReply> retention(const LogsContext& ctx, const bj::object& body, bool put) {
  const std::string name = json::strOr(body, "logGroupName", "");
  if (!groupExists(ctx, name)) return notFound();
  if (!put) {
    ctx.groups.setRetention(name, std::nullopt, nowMs(ctx));
    return ok({});
  }
  const bj::value* days = body.if_contains("retentionInDays");
  if (!days || !days->is_int64() || !gateway::LogGroups::validRetention(static_cast<int>(days->get_int64()))) {
    return invalid("1 validation error detected: Value '" + (days ? bj::serialize(*days) : std::string("null")) +
                   "' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, "
                   "3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, "
                   "3288, 3653]");
  }
  ctx.groups.setRetention(name, static_cast<int>(days->get_int64()), nowMs(ctx));
  return ok({});
}

Result<AdminReply> dispatch(const AdminCall& call, const LogsContext& ctx) {
  std::string target = call.header("X-Amz-Target");
  auto body = call.json();
  if (!body) return body.takeError();
  constexpr std::string_view kPrefix = "Logs_20140328.";
  std::string_view op = std::string_view(target).starts_with(kPrefix) ? std::string_view(target).substr(kPrefix.size())
                                                                      : std::string_view();
  if (op == "FilterLogEvents") return readEvents(ctx, *body, true);
  if (op == "GetLogEvents") return readEvents(ctx, *body, false);
  if (op == "DescribeLogStreams") return describeStreams(ctx, *body);
  if (op == "DescribeLogGroups") return describeGroups(ctx, *body);
  if (op == "CreateLogGroup") return createGroup(ctx, *body);
  if (op == "DeleteLogGroup") {
    const std::string name = json::strOr(*body, "logGroupName", "");
    if (!ctx.groups.remove(name)) return notFound();
    return ok({});
  }
  if (op == "PutRetentionPolicy") return retention(ctx, *body, true);
  if (op == "DeleteRetentionPolicy") return retention(ctx, *body, false);
  return ApiError{"UnknownOperationException",
                  400,
                  "Portico's CloudWatch Logs does not implement " + target,
                  ErrorShape::kAwsJson,
                  {}};
}

}  // namespace

void registerLogsRoutes(TargetRouter& targets, LogsContext ctx) {
  targets.add("Logs_", [ctx](const AdminCall& call) { return dispatch(call, ctx); });
}

}  // namespace portico::control::logs
