#include "gateway/stage_caches.h"

namespace portico::gateway {
namespace {

std::string key(std::string_view apiId, std::string_view stage) {
  std::string k(apiId);
  k += '/';
  k += stage;
  return k;
}

}  // namespace

std::optional<std::size_t> cacheClusterBytes(std::string_view size) {
  // AWS's sizes, in GB (decimal, as AWS sells them).
  static constexpr std::pair<std::string_view, double> kSizes[] = {
      {"0.5", 0.5},   {"1.6", 1.6},   {"6.1", 6.1}, {"13.5", 13.5},
      {"28.4", 28.4}, {"58.2", 58.2}, {"118", 118}, {"237", 237},
  };
  for (const auto& [name, gb] : kSizes) {
    if (name == size) return static_cast<std::size_t>(gb * 1e9);
  }
  return std::nullopt;
}

std::shared_ptr<ResponseCache> StageCaches::acquire(const std::string& apiId, const std::string& stage,
                                                    std::size_t budgetBytes) {
  std::lock_guard lock(mu_);
  auto& held = caches_[key(apiId, stage)];
  if (!held.cache || held.budget != budgetBytes) held = Held{budgetBytes, make_(budgetBytes)};
  return held.cache;
}

std::shared_ptr<ResponseCache> StageCaches::find(std::string_view apiId, std::string_view stage) const {
  std::lock_guard lock(mu_);
  auto it = caches_.find(key(apiId, stage));
  return it == caches_.end() ? nullptr : it->second.cache;
}

void StageCaches::release(std::string_view apiId, std::string_view stage) {
  std::lock_guard lock(mu_);
  if (auto it = caches_.find(key(apiId, stage)); it != caches_.end()) caches_.erase(it);
}

void StageCaches::releaseApi(std::string_view apiId) {
  std::lock_guard lock(mu_);
  const std::string prefix = std::string(apiId) + "/";
  std::erase_if(caches_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
}

}  // namespace portico::gateway
