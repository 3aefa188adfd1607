#include "auth/authorizer_cache.h"

namespace portico::auth {

std::shared_ptr<const Authorization> AuthorizerCache::find(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.expires <= now) {
    entries_.erase(it);
    return nullptr;
  }
  return it->second.value;
}

void AuthorizerCache::put(const std::string& key, std::shared_ptr<const Authorization> value, std::chrono::seconds ttl,
                          Clock::time_point now) {
  if (ttl.count() <= 0) return;
  std::lock_guard lock(mu_);
  if (entries_.size() >= maxEntries_) {
    std::erase_if(entries_, [&](const auto& e) { return e.second.expires <= now; });
    if (entries_.size() >= maxEntries_) entries_.clear();  // still full: start over rather than grow
  }
  entries_[key] = Entry{std::move(value), now + ttl};
}

void AuthorizerCache::forget(std::string_view prefix) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& e) { return std::string_view(e.first).starts_with(prefix); });
}

}  // namespace portico::auth
