#include "gateway/memory_response_cache.h"

#include <functional>

namespace portico::gateway {

std::size_t CachedResponse::bytes(std::size_t keySize) const {
  constexpr std::size_t kBookkeeping = 160;  // the entry, its list node and index slot
  std::size_t n = kBookkeeping + keySize + body.size();
  for (const auto& [name, value] : headers) n += name.size() + value.size() + 64;
  return n;
}

MemoryResponseCache::MemoryResponseCache(std::size_t budgetBytes, const Clock& clock)
    : budget_(budgetBytes), shardBudget_(budgetBytes / kShards), clock_(clock) {}

MemoryResponseCache::Shard& MemoryResponseCache::shardOf(std::string_view key) {
  return shards_[std::hash<std::string_view>{}(key) % kShards];
}

void MemoryResponseCache::erase(Shard& s, std::list<Entry>::iterator it) {
  s.bytes -= it->bytes;
  s.index.erase(std::string_view(it->key));
  s.lru.erase(it);
}

std::shared_ptr<const CachedResponse> MemoryResponseCache::get(std::string_view key) {
  Shard& s = shardOf(key);
  const auto now = clock_.now();
  std::lock_guard lock(s.mu);
  auto found = s.index.find(key);
  if (found == s.index.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  auto it = found->second;
  if (it->expiresAt <= now) {
    erase(s, it);
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  s.lru.splice(s.lru.begin(), s.lru, it);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->value;
}

void MemoryResponseCache::put(std::string key, std::shared_ptr<const CachedResponse> value, std::chrono::seconds ttl) {
  if (!value || ttl.count() <= 0 || value->body.size() > kMaxCachedResponseBytes) return;
  const std::size_t cost = value->bytes(key.size());
  Shard& s = shardOf(key);
  if (cost > shardBudget_) return;
  const auto expiresAt = clock_.now() + ttl;
  std::lock_guard lock(s.mu);
  if (auto found = s.index.find(key); found != s.index.end()) erase(s, found->second);
  while (s.bytes + cost > shardBudget_ && !s.lru.empty()) {
    erase(s, std::prev(s.lru.end()));
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  s.lru.push_front(Entry{std::move(key), std::move(value), expiresAt, cost});
  s.index.emplace(std::string_view(s.lru.front().key), s.lru.begin());
  s.bytes += cost;
}

void MemoryResponseCache::flush() {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    s.index.clear();
    s.lru.clear();
    s.bytes = 0;
  }
}

ResponseCacheStats MemoryResponseCache::stats() const {
  ResponseCacheStats out;
  out.hits = hits_.load(std::memory_order_relaxed);
  out.misses = misses_.load(std::memory_order_relaxed);
  out.evictions = evictions_.load(std::memory_order_relaxed);
  out.budgetBytes = budget_;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    out.entries += s.lru.size();
    out.bytes += s.bytes;
  }
  return out;
}

}  // namespace portico::gateway
