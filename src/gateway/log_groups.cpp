#include "gateway/log_groups.h"

#include <algorithm>

namespace portico::gateway {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::size_t kEventOverhead = 26;  // what CloudWatch counts per event beyond its message

std::size_t cost(const LogGroupEvent& e) {
  return e.message.size() + e.stream.size() + kEventOverhead;
}

}  // namespace

std::string logGroupOfArn(std::string_view arn) {
  constexpr std::string_view kMarker = ":log-group:";
  if (!arn.starts_with("arn:aws:logs:")) return "";
  auto at = arn.find(kMarker);
  if (at == std::string_view::npos) return "";
  std::string_view name = arn.substr(at + kMarker.size());
  if (name.ends_with(":*")) name.remove_suffix(2);
  return std::string(name);
}

bool LogGroups::validRetention(int days) {
  static constexpr int kDays[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                  365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
  return std::find(std::begin(kDays), std::end(kDays), days) != std::end(kDays);
}

void LogGroups::trim(Group& g, std::int64_t nowMs) {
  while (g.bytes > maxBytes_ && !g.events.empty()) {
    g.bytes -= cost(g.events.front());
    g.events.pop_front();
  }
  if (!g.retentionDays) return;
  const std::int64_t oldest = nowMs - *g.retentionDays * kDayMs;
  while (!g.events.empty() && g.events.front().timestampMs < oldest) {
    g.bytes -= cost(g.events.front());
    g.events.pop_front();
  }
}

void LogGroups::append(const std::string& group, const std::string& stream, std::vector<LogGroupEvent> events) {
  if (events.empty()) return;
  const std::int64_t now = events.back().timestampMs;
  std::lock_guard lock(mu_);
  auto [it, fresh] = groups_.try_emplace(group);
  Group& g = it->second;
  if (fresh) g.creationTimeMs = events.front().timestampMs;
  for (auto& e : events) {
    e.stream = stream;
    g.bytes += cost(e);
    g.events.push_back(std::move(e));
  }
  trim(g, now);
}

std::optional<std::vector<LogGroupEvent>> LogGroups::read(std::string_view group, std::int64_t sinceMs,
                                                          std::int64_t untilMs, std::size_t limit) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  std::vector<LogGroupEvent> out;
  for (const auto& e : it->second.events) {
    if (e.timestampMs < sinceMs || e.timestampMs >= untilMs) continue;
    out.push_back(e);
    if (out.size() >= limit) break;
  }
  return out;
}

std::optional<std::vector<LogStreamInfo>> LogGroups::streams(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  std::map<std::string, LogStreamInfo> seen;
  for (const auto& e : it->second.events) {
    auto [s, fresh] = seen.try_emplace(e.stream, LogStreamInfo{e.stream, e.timestampMs, e.timestampMs});
    if (!fresh) s->second.lastEventMs = e.timestampMs;
  }
  std::vector<LogStreamInfo> out;
  for (auto& [name, info] : seen) out.push_back(std::move(info));
  return out;
}

std::vector<LogGroupInfo> LogGroups::groups(std::string_view prefix) const {
  std::lock_guard lock(mu_);
  std::vector<LogGroupInfo> out;
  for (const auto& [name, g] : groups_) {
    if (std::string_view(name).starts_with(prefix)) out.push_back({name, g.creationTimeMs, g.retentionDays, g.bytes});
  }
  return out;
}

bool LogGroups::exists(std::string_view group) const {
  std::lock_guard lock(mu_);
  return groups_.find(group) != groups_.end();
}

bool LogGroups::create(const std::string& group, std::int64_t nowMs) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = groups_.try_emplace(group);
  if (fresh) it->second.creationTimeMs = nowMs;
  return fresh;
}

bool LogGroups::remove(std::string_view group) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return false;
  groups_.erase(it);
  return true;
}

void LogGroups::setRetention(const std::string& group, std::optional<int> days, std::int64_t nowMs) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = groups_.try_emplace(group);
  if (fresh) it->second.creationTimeMs = nowMs;
  it->second.retentionDays = days;
  trim(it->second, nowMs);
}

std::optional<int> LogGroups::retention(std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(group);
  return it == groups_.end() ? std::nullopt : it->second.retentionDays;
}

void LogGroups::expire(std::int64_t nowMs) {
  std::lock_guard lock(mu_);
  for (auto& [name, g] : groups_) trim(g, nowMs);
}

}  // namespace portico::gateway
