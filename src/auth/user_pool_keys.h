// UserPoolKeys: what COGNITO_USER_POOLS authorizers verify tokens with, per user pool, from the
// operator's directory (--jwks-dir): <pool id>.json holds the pool's JWKS ({"keys": [...]}), and
// may add Portico's own members:
//   "clientIds": ["app client id", ...]   tokens must be issued to one of them (aud / client_id);
//   "jwksUrl": "https://.../jwks.json"     the keys are fetched from there (then "keys" may be
//                                           absent, else they serve until the first fetch answers)
//                                           and fetched again after `refresh`.
// Nothing here blocks the caller's thread on the network: a request gets the pool's last good keys
// at once, as an immutable snapshot, and when they are due for a refresh one background fetch
// starts (at most one per pool at a time), through the asynchronous `Fetch` the program provides.
// A failed fetch keeps the last good keys and is retried after `retry`. Only a pool that has no keys
// yet makes a request wait for its first fetch, and pool() waits asynchronously (a coroutine
// suspended, its loop free), for `firstFetchWait` at most. A pool's file is looked at (stat) at most
// once per `fileCheck`, and read again when it changed. Thread-safe.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/jwk_set.h"
#include "common/result.h"

namespace portico::auth {

/// One pool's keys and client ids as a request sees them; never changed once made.
struct UserPool {
  std::shared_ptr<const JwkSet> keys;  // never null
  std::vector<std::string> clientIds;  // empty: any client
};

class UserPoolKeys {
 public:
  using Clock = std::chrono::steady_clock;
  /// Receives what a fetch got: the document's text, or why there is none. Call it exactly once,
  /// from any thread, at once or later.
  using FetchDone = std::function<void(Result<std::string> body)>;
  /// Starts a GET of a JWKS URL and returns without waiting for it (the program's: http::startFetch
  /// over the worker loops' upstream pools; a test's function).
  using Fetch = std::function<void(const std::string& url, FetchDone done)>;
  struct Options {
    std::chrono::seconds refresh{600};
    std::chrono::seconds retry{30};  // also how long a fetch may take before another may start
    std::chrono::milliseconds fileCheck{1000};
    std::chrono::milliseconds firstFetchWait{5000};
  };

  UserPoolKeys(std::filesystem::path dir, Fetch fetch, Options options);
  ~UserPoolKeys();
  UserPoolKeys(const UserPoolKeys&) = delete;
  UserPoolKeys& operator=(const UserPoolKeys&) = delete;

  /// The pool's last good keys and client ids, at once; null (after logging why) when it has none.
  /// Starts the fetch of keys that are due (it may answer before this returns).
  std::shared_ptr<const UserPool> current(const std::string& poolId, Clock::time_point now = Clock::now()) const;

  /// As current(), except that while the pool's first fetch is under way it waits for the answer
  /// (at most firstFetchWait). Await it on a loop run by one thread (or a strand): the fetch's end
  /// resumes it through a post to that executor.
  boost::asio::awaitable<std::shared_ptr<const UserPool>> pool(const std::string& poolId,
                                                               Clock::time_point now = Clock::now()) const;

 private:
  struct State;  // shared with the fetches in flight, which may end after this object
  struct Found {
    std::shared_ptr<const UserPool> pool;
    bool firstFetchPending = false;  // no keys yet, and a fetch is under way
  };
  Found lookup(const std::string& poolId, Clock::time_point now) const;

  std::shared_ptr<State> state_;
};

}  // namespace portico::auth
