// StageRegistry: the deployed stages the data plane serves.
//
// Readers (every request) load one immutable map with a single atomic
// shared_ptr load; writers (deploys, stage edits) copy the map, change the copy
// and swap it in. Writers are serialized by a mutex the hot path never touches.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/snapshot.h"

namespace portico::gateway {

class StageRegistry {
 public:
  using Map = std::unordered_map<std::string, std::shared_ptr<const StageSnapshot>>;  // "api/stage"

  StageRegistry() : map_(std::make_shared<const Map>()) {}

  /// The snapshot serving apiId/stage, or null. Lock-free.
  std::shared_ptr<const StageSnapshot> find(std::string_view apiId, std::string_view stage) const {
    auto map = map_.load(std::memory_order_acquire);
    auto it = map->find(key(apiId, stage));
    return it == map->end() ? nullptr : it->second;
  }
  /// Installs (or replaces) a stage's snapshot.
  void put(std::shared_ptr<const StageSnapshot> snap) {
    update([&](Map& m) { m[key(snap->apiId, snap->stageName)] = std::move(snap); });
  }
  /// Removes a stage.
  void remove(std::string_view apiId, std::string_view stage) {
    update([&](Map& m) { m.erase(key(apiId, stage)); });
  }
  /// Removes every stage of an API.
  void removeApi(std::string_view apiId) {
    std::string prefix = std::string(apiId) + "/";
    update([&](Map& m) { std::erase_if(m, [&](const auto& kv) { return kv.first.starts_with(prefix); }); });
  }

 private:
  static std::string key(std::string_view apiId, std::string_view stage) {
    return std::string(apiId) + "/" + std::string(stage);
  }
  template <typename Fn>
  void update(Fn&& fn) {
    std::lock_guard lock(writeMu_);
    auto next = std::make_shared<Map>(*map_.load());
    fn(*next);
    map_.store(std::move(next), std::memory_order_release);
  }

  std::atomic<std::shared_ptr<const Map>> map_;
  std::mutex writeMu_;
};

}  // namespace portico::gateway
