#include "gateway/quota_counters.h"

#include <boost/json.hpp>
#include <ctime>
#include <vector>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "gateway/usage_journal.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

/// "YYYY-MM-DD" (as dayOf writes it) at noon; a field that is not a number reads as 0.
std::tm parseDay(std::string_view day) {
  auto field = [&](std::size_t at, std::size_t size) { return parseNumber<int>(day.substr(at, size)).value_or(0); };
  std::tm tm{};
  tm.tm_year = field(0, 4) - 1900;
  tm.tm_mon = field(5, 2) - 1;
  tm.tm_mday = field(8, 2);
  tm.tm_hour = 12;
  return tm;
}

std::string formatDay(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

std::string QuotaCounters::dayOf(std::chrono::system_clock::time_point t) {
  return formatDay(std::chrono::system_clock::to_time_t(t));
}

std::string QuotaCounters::periodStart(const Quota& quota, const std::string& day) {
  std::tm tm = parseDay(day);
  std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  constexpr std::time_t kDay = 86400;
  if (quota.period == "WEEK") {
    int sinceStart = ((tm.tm_wday - quota.offset) % 7 + 7) % 7;  // the week starts offset days after Sunday
    return formatDay(t - sinceStart * kDay);
  }
  if (quota.period == "MONTH") {
    int startDay = 1 + quota.offset;
    if (tm.tm_mday >= startDay) return formatDay(t - (tm.tm_mday - startDay) * kDay);
    std::tm prev = tm;  // the period began in the previous month
    prev.tm_mon -= 1;
    prev.tm_mday = startDay;
    return formatDay(timegm(&prev));
  }
  return day;
}

QuotaCounters::PairUsage& QuotaCounters::pair(const std::string& planId, const std::string& keyId) {
  std::lock_guard lock(mapMu_);
  auto& slot = pairs_[planId + "|" + keyId];
  if (!slot) slot = std::make_unique<PairUsage>();
  return *slot;
}

void QuotaCounters::load(const std::string& planId, const std::string& keyId, PairUsage& usage) {
  if (usage.loaded) return;
  usage.loaded = true;
  auto doc = store_.get(kUsageKind, planId, keyId);
  if (!doc) return;
  auto parsed = json::parseObject(doc->body);
  if (!parsed) return;
  if (auto* days = json::obj(*parsed, "days")) {
    for (const auto& [day, n] : *days) {
      if (n.is_int64()) usage.days[std::string(day)] += n.get_int64();
    }
  }
}

std::int64_t QuotaCounters::usedInPeriod(const PairUsage& usage, const Quota& quota, const std::string& today) {
  std::int64_t used = 0;
  const std::string start = periodStart(quota, today);
  for (auto it = usage.days.lower_bound(start); it != usage.days.end() && it->first <= today; ++it) used += it->second;
  return used;
}

bool QuotaCounters::tryConsume(const std::string& planId, const std::string& keyId, const Quota& quota,
                               std::chrono::system_clock::time_point now) {
  PairUsage& usage = pair(planId, keyId);
  std::lock_guard lock(usage.mu);
  load(planId, keyId, usage);
  std::string today = dayOf(now);
  if (usedInPeriod(usage, quota, today) >= quota.limit) return false;
  ++usage.days[today];
  usage.dirty = true;
  if (journal_) journal_->append(planId, keyId, today);  // before the request is answered
  return true;
}

void QuotaCounters::count(const std::string& planId, const std::string& keyId,
                          std::chrono::system_clock::time_point now) {
  PairUsage& usage = pair(planId, keyId);
  std::lock_guard lock(usage.mu);
  load(planId, keyId, usage);
  std::string today = dayOf(now);
  ++usage.days[today];
  usage.dirty = true;
  if (journal_) journal_->append(planId, keyId, today);
}

std::int64_t QuotaCounters::setRemaining(const std::string& planId, const std::string& keyId, const Quota& quota,
                                         std::int64_t remaining, std::chrono::system_clock::time_point now) {
  PairUsage& usage = pair(planId, keyId);
  std::lock_guard lock(usage.mu);
  load(planId, keyId, usage);
  std::string today = dayOf(now);
  usage.days[today] += (quota.limit - remaining) - usedInPeriod(usage, quota, today);
  usage.dirty = true;
  return quota.limit - remaining;
}

std::map<std::string, std::int64_t> QuotaCounters::daily(const std::string& planId, const std::string& keyId) {
  PairUsage& usage = pair(planId, keyId);
  std::lock_guard lock(usage.mu);
  load(planId, keyId, usage);
  return usage.days;
}

void QuotaCounters::flush() {
  // Files up to `complete` hold only counts that the snapshot below includes.
  const std::uint64_t complete = journal_ ? journal_->rotate() : 0;
  std::vector<std::pair<std::string, PairUsage*>> all;
  {
    std::lock_guard lock(mapMu_);
    for (auto& [k, v] : pairs_) all.emplace_back(k, v.get());
  }
  std::vector<store::Document> docs;
  for (auto& [k, usage] : all) {
    bj::object days;
    {
      std::lock_guard lock(usage->mu);
      if (!usage->dirty) continue;
      usage->dirty = false;
      for (const auto& [day, n] : usage->days) days[day] = n;
    }
    auto bar = k.find('|');
    docs.push_back(store::Document{std::string(kUsageKind), k.substr(0, bar), k.substr(bar + 1),
                                   bj::serialize(bj::object{{"days", std::move(days)}}), 0});
  }
  if (docs.empty() && !journal_) return;
  store_.transaction([&] {
    for (const auto& d : docs) store_.put(d);
    if (journal_) {
      store_.put(store::Document{std::string(kUsageJournalKind), "", "state",
                                 bj::serialize(bj::object{{"generation", complete}}), 0});
    }
  });
  if (journal_) journal_->discardUpTo(complete);
}

QuotaCounters::QuotaCounters(store::Store& store, UsageJournal* journal) : store_(store) {
  if (journal) attachJournal(*journal);
}

void QuotaCounters::attachJournal(UsageJournal& journal) {
  std::uint64_t stored = 0;
  if (auto doc = store_.get(kUsageJournalKind, "", "state")) {
    if (auto parsed = json::parseObject(doc->body)) {
      if (auto* g = parsed->if_contains("generation"); g && g->is_uint64()) stored = g->get_uint64();
      if (auto* g = parsed->if_contains("generation"); g && g->is_int64())
        stored = static_cast<std::uint64_t>(g->get_int64());
    }
  }
  journal.replay(stored, [&](std::string_view plan, std::string_view key, std::string_view day) {
    PairUsage& usage = pair(std::string(plan), std::string(key));
    std::lock_guard lock(usage.mu);
    load(std::string(plan), std::string(key), usage);
    ++usage.days[std::string(day)];
    usage.dirty = true;
  });
  journal_ = &journal;
  flush();
}

}  // namespace portico::gateway
