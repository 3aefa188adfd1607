// UserPoolKeys: what COGNITO_USER_POOLS authorizers verify tokens with, per user pool, from the
// operator's directory (--jwks-dir): <pool id>.json holds the pool's JWKS ({"keys": [...]}), and
// may add Portico's own members:
//   "clientIds": ["app client id", ...]   tokens must be issued to one of them (aud / client_id);
//   "jwksUrl": "https://.../jwks.json"     the keys are fetched from there (then "keys" may be
//                                           absent) and fetched again after `refresh`.
// A file is re-read when it changes. A fetch happens on the request that finds the keys missing
// or stale (bounded by `fetchTimeout`); a failed fetch keeps the last good keys and is retried
// after `retry`. Thread-safe.
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwk_set.h"
#include "common/result.h"

namespace portico::auth {

struct UserPool {
  std::shared_ptr<const JwkSet> keys;  // never null in a returned pool
  std::vector<std::string> clientIds;  // empty: any client
};

class UserPoolKeys {
 public:
  using Fetch = std::function<Result<std::string>(const std::string& url)>;
  struct Options {
    std::chrono::seconds refresh{600};
    std::chrono::seconds retry{30};
  };

  /// `fetch` GETs a JWKS URL (http::fetchUrl with a timeout, or a test's function).
  UserPoolKeys(std::filesystem::path dir, Fetch fetch, Options options);

  /// The pool's keys and client ids; nullopt (after logging why) when it has no usable keys.
  std::optional<UserPool> pool(const std::string& poolId,
                               std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const;

 private:
  struct Entry {
    std::filesystem::file_time_type mtime;
    std::string url;
    std::vector<std::string> clientIds;
    std::shared_ptr<const JwkSet> keys;
    std::chrono::steady_clock::time_point nextFetch{};  // for URL-backed keys
  };
  bool reload(const std::string& poolId, Entry& entry) const;

  std::filesystem::path dir_;
  Fetch fetch_;
  Options options_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Entry> pools_;
};

}  // namespace portico::auth
