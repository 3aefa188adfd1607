// AuthorizerCache: Lambda authorizer results kept for authorizerResultTtlInSeconds,
// keyed by authorizer and identity (the token, or every REQUEST identity source). As on
// AWS, a cached policy is reused for every method of the API, so it is evaluated against
// each request's method ARN rather than cached as a yes/no. Bounded in size; thread-safe.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/iam_policy.h"

namespace portico::auth {

struct Authorization {
  IamPolicy policy;
  std::string principalId;
  boost::json::object context;     // the authorizer's context map (values as returned)
  std::string usageIdentifierKey;  // for apiKeySource AUTHORIZER
};

class AuthorizerCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AuthorizerCache(std::size_t maxEntries = 10000) : maxEntries_(maxEntries) {}

  /// The live entry for key, or null.
  std::shared_ptr<const Authorization> find(const std::string& key, Clock::time_point now = Clock::now());
  /// Keeps value until now + ttl (ttl 0: not kept).
  void put(const std::string& key, std::shared_ptr<const Authorization> value, std::chrono::seconds ttl,
           Clock::time_point now = Clock::now());
  /// Drops every entry whose key starts with prefix (FlushStageAuthorizersCache: a stage's).
  void forget(std::string_view prefix);

 private:
  struct Entry {
    std::shared_ptr<const Authorization> value;
    Clock::time_point expires;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t maxEntries_;
};

}  // namespace portico::auth
