// QuotaCounters: how many requests each API key made under each usage plan, per UTC
// day. Checking a quota and counting the request happen under the (plan, key) pair's
// own mutex, so N concurrent requests against a remaining quota of N admit exactly N.
// Counts are kept in memory and written to the store by flush() (every second from the
// server, and at shutdown); a pair's counts are read back from the store the first
// time it is used, so quotas hold across restarts. With a UsageJournal attached, each
// counted request is journaled before it is answered, so a crash forgets none of them.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gateway/usage_plans.h"
#include "store/store.h"

namespace portico::gateway {

inline constexpr std::string_view kUsageKind = "usage";  // ("usage", planId, keyId) → {"days": {day: n}}
/// ("usage-journal", "", "state") → {"generation": n}: the journal files the stored counts include.
inline constexpr std::string_view kUsageJournalKind = "usage-journal";

class UsageJournal;

class QuotaCounters {
 public:
  /// With a journal (borrowed; must outlive this), every count is journaled before it counts,
  /// after what the journal holds beyond the stored counts (requests counted before a crash) is
  /// added and flushed.
  explicit QuotaCounters(store::Store& store, UsageJournal* journal = nullptr);

  /// Counts one request on `now`'s day if the quota period's total stays within quota.limit;
  /// false (nothing counted) when the quota is used up.
  bool tryConsume(const std::string& planId, const std::string& keyId, const Quota& quota,
                  std::chrono::system_clock::time_point now);
  /// Counts one request without a quota (plans with only a throttle still report usage).
  void count(const std::string& planId, const std::string& keyId, std::chrono::system_clock::time_point now);
  /// UpdateUsage: what is left of the quota period holding `now` becomes `remaining` (more than
  /// the limit grants an extension for the period): the day's count moves by the difference.
  /// Returns the period's count afterwards. Written to the store at the next flush().
  std::int64_t setRemaining(const std::string& planId, const std::string& keyId, const Quota& quota,
                            std::int64_t remaining, std::chrono::system_clock::time_point now);
  /// Daily counts ("YYYY-MM-DD" → requests) of a (plan, key) pair.
  std::map<std::string, std::int64_t> daily(const std::string& planId, const std::string& keyId);
  /// Writes changed counts to the store.
  void flush();
  /// The first day ("YYYY-MM-DD") of the quota period holding `day`.
  static std::string periodStart(const Quota& quota, const std::string& day);
  static std::string dayOf(std::chrono::system_clock::time_point t);

 private:
  void attachJournal(UsageJournal& journal);
  struct PairUsage {
    std::mutex mu;
    bool loaded = false;
    bool dirty = false;
    std::map<std::string, std::int64_t> days;
  };
  PairUsage& pair(const std::string& planId, const std::string& keyId);
  /// The pair's count in the quota period holding `today` up to it (call under usage.mu).
  static std::int64_t usedInPeriod(const PairUsage& usage, const Quota& quota, const std::string& today);
  void load(const std::string& planId, const std::string& keyId, PairUsage& usage);

  store::Store& store_;
  UsageJournal* journal_ = nullptr;
  std::mutex mapMu_;  // guards the map only (entries are never removed, so references stay valid)
  std::unordered_map<std::string, std::unique_ptr<PairUsage>> pairs_;  // "plan|key"
};

}  // namespace portico::gateway
