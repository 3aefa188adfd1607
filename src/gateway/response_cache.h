// ResponseCache: a stage's cache of method responses (API Gateway's stage cache), behind an
// interface so that a fleet can keep it in Redis (the cluster issue) while one node keeps it in
// memory (memory_response_cache.h). Keys are built by response_caching.h; entries expire after
// their TTL; a flush empties the whole cache (FlushStageCache). Thread-safe: every worker loop
// reads and fills the same stage cache.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::gateway {

/// AWS's bound: a response over 1,048,576 bytes is not cached.
inline constexpr std::size_t kMaxCachedResponseBytes = 1048576;

/// A method response as the client got it, less what is the request's own (its request ids and
/// length are made again on a hit).
struct CachedResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// What the entry costs the cache's budget: key, headers, body and bookkeeping.
  std::size_t bytes(std::size_t keySize) const;
};

struct ResponseCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;  // entries dropped for the budget (not expiry, not a flush)
  std::size_t entries = 0;
  std::size_t bytes = 0;        // what the entries use now
  std::size_t budgetBytes = 0;  // the cache's capacity (cacheClusterSize)
};

class ResponseCache {
 public:
  virtual ~ResponseCache() = default;
  /// The live entry for key, or null (a miss; an expired entry is dropped).
  virtual std::shared_ptr<const CachedResponse> get(std::string_view key) = 0;
  /// Stores (or replaces) key's entry for ttl; the least recently used entries make room. An entry
  /// larger than kMaxCachedResponseBytes or than the budget is not stored.
  virtual void put(std::string key, std::shared_ptr<const CachedResponse> value, std::chrono::seconds ttl) = 0;
  /// Drops every entry.
  virtual void flush() = 0;
  virtual ResponseCacheStats stats() const = 0;
};

}  // namespace portico::gateway
