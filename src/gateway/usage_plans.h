// Usage plans as the data plane sees them: which API key values are valid, which plan
// admits a key on a stage, and each (plan, key) pair's throttle. Compiled from the
// stored API keys, usage plans and usage plan keys into an immutable snapshot that the
// control plane swaps in on every change (keys and plans take effect at once, no
// redeploy). Token buckets live in the snapshot (a swap resets them, which AWS's
// best-effort throttling allows); quota counts do not (see quota_counters.h).
#pragma once
#include <atomic>
#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/token_bucket.h"

namespace portico::gateway {

struct Quota {
  std::int64_t limit = 0;
  std::string period = "DAY";  // DAY | WEEK | MONTH
  int offset = 0;              // WEEK: days after Sunday the week starts; MONTH: days after the 1st
};

struct Throttle {
  double rateLimit = 0;
  int burstLimit = 0;
};

struct UsagePlanEntry {
  std::string id;
  std::optional<Throttle> throttle;
  std::optional<Quota> quota;
  /// "apiId/stage" → per-method throttles keyed "/resource/path/VERB" (as AWS writes them).
  std::map<std::string, std::map<std::string, Throttle>> stages;
};

struct ApiKeyEntry {
  std::string id;
  bool enabled = false;
  std::vector<std::string> planIds;  // plans the key is in, in creation order
};

class UsageSnapshot {
 public:
  std::unordered_map<std::string, ApiKeyEntry> keysByValue;
  std::unordered_map<std::string, UsagePlanEntry> plans;

  /// The bucket for a (plan, key[, method]) throttle, or null when that throttle is unset.
  const TokenBucket* bucket(const std::string& planId, const std::string& keyId, const std::string& method) const;

  /// Builds the buckets for every key in every plan; call once before publishing.
  void buildBuckets();

 private:
  std::unordered_map<std::string, std::unique_ptr<TokenBucket>> buckets_;  // "plan|key|method"
};

/// Compiles the stored documents: API keys (id, value, enabled), usage plans (id, apiStages,
/// throttle, quota) and usage plan keys (planId → key ids).
std::shared_ptr<const UsageSnapshot> compileUsage(const std::vector<boost::json::object>& keys,
                                                  const std::vector<boost::json::object>& plans,
                                                  const std::map<std::string, std::vector<std::string>>& planKeys);

/// The current snapshot, swapped atomically; readers never lock.
class UsageRegistry {
 public:
  UsageRegistry() : current_(std::make_shared<const UsageSnapshot>()) {}
  std::shared_ptr<const UsageSnapshot> current() const { return current_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const UsageSnapshot> next) {
    current_.store(std::move(next), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const UsageSnapshot>> current_;
};

}  // namespace portico::gateway
