#include "auth/user_pool_keys.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace portico::auth {
namespace bj = boost::json;

UserPoolKeys::UserPoolKeys(std::filesystem::path dir, Fetch fetch, Options options)
    : dir_(std::move(dir)), fetch_(std::move(fetch)), options_(options) {}

bool UserPoolKeys::reload(const std::string& poolId, Entry& entry) const {
  auto path = dir_ / (poolId + ".json");
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  bj::value doc = bj::parse(text.str(), ec);
  if (ec || !doc.is_object()) {
    spdlog::warn("user pool {}: {} is not a JSON object", poolId, path.string());
    return false;
  }
  const auto& obj = doc.get_object();
  entry = Entry{entry.mtime, {}, {}, nullptr, {}};
  if (auto* url = obj.if_contains("jwksUrl"); url && url->is_string()) entry.url = url->get_string();
  if (auto* ids = obj.if_contains("clientIds"); ids && ids->is_array()) {
    for (const auto& id : ids->get_array()) {
      if (id.is_string()) entry.clientIds.emplace_back(id.get_string());
    }
  }
  if (obj.contains("keys")) {
    auto keys = JwkSet::parse(text.str());
    if (!keys) {
      spdlog::warn("user pool {}: the JWKS in {} is invalid: {}", poolId, path.string(), keys.error().message);
      return false;
    }
    entry.keys = std::make_shared<const JwkSet>(std::move(keys).value());
  }
  return true;
}

std::optional<UserPool> UserPoolKeys::pool(const std::string& poolId, std::chrono::steady_clock::time_point now) const {
  if (dir_.empty() || poolId.empty() || poolId.find('/') != std::string::npos || poolId.front() == '.') {
    return std::nullopt;
  }
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(dir_ / (poolId + ".json"), ec);
  if (ec) {
    spdlog::warn("user pool {}: no {}", poolId, (dir_ / (poolId + ".json")).string());
    return std::nullopt;
  }
  std::string url;
  {
    std::lock_guard lock(mu_);
    Entry& entry = pools_[poolId];
    if (entry.mtime != mtime) {
      entry.mtime = mtime;
      if (!reload(poolId, entry)) {
        entry.mtime = {};  // try again on the next request
        return std::nullopt;
      }
    }
    if (entry.url.empty() || now < entry.nextFetch) {
      if (!entry.keys) return std::nullopt;
      return UserPool{entry.keys, entry.clientIds};
    }
    url = entry.url;
    entry.nextFetch = now + options_.retry;  // other requests meanwhile keep the keys they have
  }
  // The fetch runs without the lock, so requests for other pools (and this one) are not held up.
  auto body = fetch_(url);
  auto keys = body ? JwkSet::parse(*body) : Result<JwkSet>(body.error());
  std::lock_guard lock(mu_);
  Entry& entry = pools_[poolId];
  if (entry.url == url) {
    if (keys) {
      entry.keys = std::make_shared<const JwkSet>(std::move(keys).value());
      entry.nextFetch = now + options_.refresh;
    } else {
      spdlog::warn("user pool {}: fetching its JWKS from {} failed: {}{}", poolId, url, keys.error().message,
                   entry.keys ? " (keeping the last keys)" : "");
    }
  }
  if (!entry.keys) return std::nullopt;
  return UserPool{entry.keys, entry.clientIds};
}

}  // namespace portico::auth
