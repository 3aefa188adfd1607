// MemoryResponseCache: the one-node ResponseCache, in this process's memory, bounded by a byte
// budget (the stage's cacheClusterSize) with least-recently-used eviction. Split into shards, each
// with its own lock, list and share of the budget, so worker loops rarely wait on one another.
// Time comes from the injected Clock (tests move it to expire entries).
#pragma once
#include <array>
#include <atomic>
#include <list>
#include <mutex>
#include <unordered_map>

#include "common/clock.h"
#include "gateway/response_cache.h"

namespace portico::gateway {

class MemoryResponseCache final : public ResponseCache {
 public:
  static constexpr std::size_t kShards = 8;

  MemoryResponseCache(std::size_t budgetBytes, const Clock& clock);

  std::shared_ptr<const CachedResponse> get(std::string_view key) override;
  void put(std::string key, std::shared_ptr<const CachedResponse> value, std::chrono::seconds ttl) override;
  void flush() override;
  ResponseCacheStats stats() const override;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const CachedResponse> value;
    std::chrono::system_clock::time_point expiresAt;
    std::size_t bytes = 0;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Entry> lru;                                                    // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views into the entries' keys
    std::size_t bytes = 0;
  };
  Shard& shardOf(std::string_view key);
  static void erase(Shard& s, std::list<Entry>::iterator it);

  const std::size_t budget_;
  const std::size_t shardBudget_;
  const Clock& clock_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, evictions_{0};
};

}  // namespace portico::gateway
