// StageCaches: the caches of the stages that have one (cacheClusterEnabled), by API and stage,
// outliving the snapshots that use them: a redeploy or a stage edit keeps the cached data, a
// different cacheClusterSize replaces the cache with an empty one (AWS deletes the data on a
// resize), turning the cache off or deleting the stage drops it. The factory makes each cache
// (in memory on one node; the cluster issue gives it a shared one). Thread-safe.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/response_cache.h"

namespace portico::gateway {

/// cacheClusterSize ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237": GB) in bytes, or
/// nullopt for a size AWS does not offer.
std::optional<std::size_t> cacheClusterBytes(std::string_view size);

class StageCaches {
 public:
  using Factory = std::function<std::shared_ptr<ResponseCache>(std::size_t budgetBytes)>;
  explicit StageCaches(Factory make) : make_(std::move(make)) {}

  /// The stage's cache of `budgetBytes`: the one it has when the size is unchanged, else a new one.
  std::shared_ptr<ResponseCache> acquire(const std::string& apiId, const std::string& stage, std::size_t budgetBytes);
  /// The stage's cache, or null when it has none.
  std::shared_ptr<ResponseCache> find(std::string_view apiId, std::string_view stage) const;
  /// The stage no longer has a cache (turned off, or the stage is gone).
  void release(std::string_view apiId, std::string_view stage);
  /// Every stage of the API (the API is gone).
  void releaseApi(std::string_view apiId);

 private:
  struct Held {
    std::size_t budget = 0;
    std::shared_ptr<ResponseCache> cache;
  };
  Factory make_;
  mutable std::mutex mu_;
  std::map<std::string, Held, std::less<>> caches_;  // "api/stage"
};

}  // namespace portico::gateway
