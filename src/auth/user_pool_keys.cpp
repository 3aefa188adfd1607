#include "auth/user_pool_keys.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

namespace portico::auth {
namespace asio = boost::asio;
namespace bj = boost::json;
using Clock = UserPoolKeys::Clock;

namespace {

/// One pool: what its file said, its keys and the fetch under way.
struct Entry {
  Clock::time_point nextStat{};             // when the file is looked at again
  std::filesystem::file_time_type mtime{};  // of the file last read whole ({}: none)
  bool usable = false;                      // the file was read and is valid
  std::string url;
  std::vector<std::string> clientIds;
  std::shared_ptr<const JwkSet> keys;
  std::shared_ptr<const UserPool> snapshot;  // keys and clientIds, what requests get; null without keys
  Clock::time_point nextFetch{};             // for URL-backed keys
  std::uint64_t fetchId = 0;                 // the fetch whose answer counts
  bool fetching = false;
  std::vector<std::function<void()>> waiters;  // requests waiting for the first keys

  void publish() { snapshot = keys ? std::make_shared<const UserPool>(UserPool{keys, clientIds}) : nullptr; }
  void wakeWaiters() {
    for (auto& wake : std::exchange(waiters, {})) wake();  // each only posts to its loop
  }
  /// No usable file: no keys, and the answer of a fetch under way no longer counts.
  void forget() {
    mtime = {};
    usable = false;
    url.clear();
    clientIds.clear();
    keys = nullptr;
    snapshot = nullptr;
    nextFetch = {};
    ++fetchId;
    fetching = false;
    wakeWaiters();
  }
};

/// What a pool's file holds.
struct PoolFile {
  std::string url;
  std::vector<std::string> clientIds;
  std::shared_ptr<const JwkSet> keys;  // null without "keys"
};

/// The pool's file, or why it cannot serve.
Result<PoolFile> readPoolFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  bj::value doc = bj::parse(text.str(), ec);
  if (ec || !doc.is_object()) return ApiError::internal(path.string() + " is not a JSON object");
  const auto& obj = doc.get_object();
  PoolFile out;
  if (auto* url = obj.if_contains("jwksUrl"); url && url->is_string()) out.url = url->get_string();
  if (auto* ids = obj.if_contains("clientIds"); ids && ids->is_array()) {
    for (const auto& id : ids->get_array()) {
      if (id.is_string()) out.clientIds.emplace_back(id.get_string());
    }
  }
  if (obj.contains("keys")) {
    auto keys = JwkSet::parse(text.str());
    if (!keys) return ApiError::internal("the JWKS in " + path.string() + " is invalid: " + keys.error().message);
    out.keys = std::make_shared<const JwkSet>(std::move(keys).value());
  }
  return out;
}

}  // namespace

struct UserPoolKeys::State {
  std::filesystem::path dir;
  Fetch fetch;
  Options options;
  std::mutex mu;  // guards pools
  std::map<std::string, Entry> pools;

  /// Looks at the pool's file (a stat) and reads it again when it changed. Under mu: a file is small
  /// and this runs at most once per fileCheck per pool.
  void checkFile(const std::string& poolId, Entry& entry) {
    auto path = dir / (poolId + ".json");
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(path, ec);
    if (ec) {
      spdlog::warn("user pool {}: no {}", poolId, path.string());
      entry.forget();
      return;
    }
    if (entry.usable && mtime == entry.mtime) return;
    auto file = readPoolFile(path);
    if (!file) {
      spdlog::warn("user pool {}: {}", poolId, file.error().message);
      entry.forget();  // read again at the next look
      return;
    }
    if (file->keys) {
      entry.keys = file->keys;
    } else if (file->url.empty() || file->url != entry.url || !entry.usable) {
      entry.keys = nullptr;  // what was fetched from the same URL serves until the fetch below answers
    }
    if (file->url != entry.url) {
      ++entry.fetchId;  // an answer from the old URL no longer counts
      entry.fetching = false;
    }
    entry.mtime = mtime;
    entry.usable = true;
    entry.url = std::move(file->url);
    entry.clientIds = std::move(file->clientIds);
    if (!entry.fetching) entry.nextFetch = {};  // fetched again now, unless a fetch of it is under way
    entry.publish();
  }

  /// A fetch's answer: new keys, or the last ones kept and a retry after `retry`.
  void fetched(const std::string& poolId, std::uint64_t fetchId, Clock::time_point started, Result<std::string> body) {
    auto keys = body ? JwkSet::parse(*body) : Result<JwkSet>(body.error());  // parsed before taking the lock
    std::lock_guard lock(mu);
    auto it = pools.find(poolId);
    if (it == pools.end() || it->second.fetchId != fetchId) return;
    Entry& entry = it->second;
    entry.fetching = false;
    if (keys) {
      entry.keys = std::make_shared<const JwkSet>(std::move(keys).value());
      entry.nextFetch = started + options.refresh;
      entry.publish();
    } else {
      spdlog::warn("user pool {}: fetching its JWKS from {} failed: {}{}", poolId, entry.url, keys.error().message,
                   entry.keys ? " (keeping the last keys)" : "");
    }
    entry.wakeWaiters();
  }
};

UserPoolKeys::UserPoolKeys(std::filesystem::path dir, Fetch fetch, Options options)
    : state_(std::make_shared<State>()) {
  state_->dir = std::move(dir);
  state_->fetch = std::move(fetch);
  state_->options = options;
}

UserPoolKeys::~UserPoolKeys() = default;

UserPoolKeys::Found UserPoolKeys::lookup(const std::string& poolId, Clock::time_point now) const {
  State& state = *state_;
  if (state.dir.empty() || poolId.empty() || poolId.find('/') != std::string::npos || poolId.front() == '.') {
    return {};
  }
  std::string url;
  std::uint64_t fetchId = 0;
  {
    std::lock_guard lock(state.mu);
    Entry& entry = state.pools[poolId];
    if (now >= entry.nextStat) {
      entry.nextStat = now + state.options.fileCheck;
      state.checkFile(poolId, entry);
    }
    if (!entry.usable) return {};
    // Due: start a fetch. One that has not answered within `retry` (the next due time) is given up.
    if (entry.url.empty() || now < entry.nextFetch) return {entry.snapshot, entry.fetching && !entry.snapshot};
    url = entry.url;
    fetchId = ++entry.fetchId;
    entry.fetching = true;
    entry.nextFetch = now + state.options.retry;  // other requests meanwhile keep the keys there are
  }
  // Without the lock: the fetch may answer before it returns.
  FetchDone done = [weak = std::weak_ptr<State>(state_), poolId, fetchId, now](Result<std::string> body) {
    if (auto alive = weak.lock()) alive->fetched(poolId, fetchId, now, std::move(body));
  };
  if (state.fetch) {
    state.fetch(url, std::move(done));
  } else {
    done(ApiError::internal("no JWKS fetch function"));
  }
  std::lock_guard lock(state.mu);
  const Entry& entry = state.pools[poolId];
  if (!entry.usable) return {};
  return {entry.snapshot, entry.fetching && !entry.snapshot};
}

std::shared_ptr<const UserPool> UserPoolKeys::current(const std::string& poolId, Clock::time_point now) const {
  return lookup(poolId, now).pool;
}

asio::awaitable<std::shared_ptr<const UserPool>> UserPoolKeys::pool(const std::string& poolIdArg,
                                                                    Clock::time_point now) const {
  const std::string poolId = poolIdArg;  // the caller's string may not outlive the wait
  Found found = lookup(poolId, now);
  if (found.pool || !found.firstFetchPending) co_return found.pool;
  auto executor = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(executor, state_->options.firstFetchWait);
  bool waiting = false;
  {
    std::lock_guard lock(state_->mu);
    Entry& entry = state_->pools[poolId];
    if (entry.usable && entry.fetching && !entry.snapshot) {
      // The fetch's end moves the timer's expiry to the past, on the timer's own executor: a wait
      // under way ends, and one not yet begun ends at once. Held weakly: the timer is the waiting
      // coroutine's, and goes with it (a waiter left here must not keep a timer past its loop).
      entry.waiters.push_back([weak = std::weak_ptr<asio::steady_timer>(timer), executor] {
        asio::post(executor, [weak] {
          if (auto t = weak.lock()) t->expires_at(asio::steady_timer::time_point::min());
        });
      });
      waiting = true;
    }
  }
  if (waiting) co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  std::shared_ptr<const UserPool> out;
  {
    std::lock_guard lock(state_->mu);
    const Entry& entry = state_->pools[poolId];
    if (entry.usable) out = entry.snapshot;
  }
  co_return out;
}

}  // namespace portico::auth
