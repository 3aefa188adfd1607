// WarmPool: the execution environments of every function, running or idle, pooled per
// configuration (FunctionSpec::poolKey), and the concurrency they count against: a function's
// reservation, else the account's unreserved pool (429 TooManyRequestsException past either).
//
// Shared by every loop that invokes, under one mutex held for bookkeeping only (never across I/O
// or a co_await). An environment itself is only touched on its own loop: the pool retires one by
// posting its last reference there.
#pragma once
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "functions/account_concurrency.h"
#include "functions/function_spec.h"

namespace portico::functions {

class ExecutionEnvironment;

/// An environment in the pool, and what the pool knows of it (guarded by the pool's mutex).
struct PooledEnvironment {
  std::shared_ptr<ExecutionEnvironment> env;  // null once retired
  boost::asio::io_context* loop = nullptr;    // where the environment lives: the loop that started it
  std::string key;                            // its pool: the configuration's FunctionSpec::poolKey
  bool busy = true;                           // running (or about to run) an invocation
  std::chrono::steady_clock::time_point lastUsed;
  /// Its credentials' expiry (function_grants.h): no invocation that could outlast it goes there.
  std::optional<std::chrono::system_clock::time_point> retireBy;
  bool provisioned = false;  // kept by provisioned concurrency: never reaped for being idle
};

class WarmPool {
 public:
  using Slot = std::shared_ptr<PooledEnvironment>;

  /// One admitted invocation: it counts against its function's concurrency until destroyed, and
  /// holds (busy) the environment it runs in, if it has one yet.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    /// The environment this invocation holds (busy), or null when it must start one.
    const Slot& slot() const { return slot_; }
    /// Pools a newly started environment as this lease's (busy).
    void adopt(std::shared_ptr<ExecutionEnvironment> env, boost::asio::io_context& loop, const std::string& key);
    /// Its environment died before the invocation reached it: drop it (the lease then holds none).
    void dropDead();
    /// Its environment was reset after a timeout: `env`, the restarted runtime, takes the place of
    /// the one it held (retired on its loop), in the same slot.
    void replace(std::shared_ptr<ExecutionEnvironment> env);
    /// How the invocation left its environment: a dead one is dropped when the lease ends.
    void setAlive(bool alive) { alive_ = alive; }
    /// The function's concurrent executions once this one was admitted (it included).
    int concurrency() const { return concurrency_; }

   private:
    friend class WarmPool;
    Lease(WarmPool& pool, std::string function, bool unreserved, Slot slot, int concurrency);
    WarmPool* pool_;
    std::string function_;
    bool unreserved_;
    int concurrency_;
    Slot slot_;
    std::optional<bool> alive_;  // known once the invocation ran
  };

  explicit WarmPool(const AccountConcurrency* account) : account_(account) {}

  /// Admits an invocation of this configuration within its concurrency (or 429), drops idle
  /// environments of the function's older configurations, and hands it an idle environment of
  /// this one if there is any: preferably on the caller's loop `here` (no thread hand-off), then
  /// the most recently used (the warmest caches).
  /// An idle environment whose credentials expire before an invocation starting `now` could end
  /// (spec.timeoutSeconds) is retired instead.
  Result<Lease> admit(const FunctionSpec& spec, const boost::asio::io_context* here,
                      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
  /// The 429 admit() gives every invocation of `spec` whatever else runs (its reserved
  /// concurrency is 0: the function is throttled), or nullopt when it can admit some.
  static std::optional<ApiError> refusesEvery(const FunctionSpec& spec);
  /// Retires the idle environments that are dead or unused since `cutoff` (not provisioned ones
  /// unless dead).
  void reapIdle(std::chrono::steady_clock::time_point cutoff);
  /// Pools a started environment as idle and provisioned (its loop is `loop`).
  Slot addProvisioned(std::shared_ptr<ExecutionEnvironment> env, boost::asio::io_context& loop, const std::string& key);
  /// No longer provisioned: the slot idles out as any other.
  void unprovision(const Slot& slot);
  /// Whether the slot's environment is still pooled and alive.
  bool pooled(const Slot& slot);
  /// ... and has finished its init.
  bool ready(const Slot& slot);
  /// Kills every environment at once (on the caller's thread: call once their loops have stopped).
  void killAll();
  /// Each function's executions running or starting now (the ConcurrentExecutions gauge).
  std::map<std::string, int> running();

 private:
  void dropLocked(const Slot& slot);
  void dropStaleLocked(const FunctionSpec& spec);
  Slot takeIdleLocked(const std::string& key, const boost::asio::io_context* here,
                      std::chrono::system_clock::time_point mustLastUntil);
  void release(Lease& lease);

  const AccountConcurrency* account_;               // borrowed; null: no account limit
  std::mutex mu_;                                   // guards what follows
  std::map<std::string, std::vector<Slot>> pools_;  // poolKey → environments
  std::map<std::string, int> inUse_;                // function name → busy or starting environments
  int inUseUnreserved_ = 0;                         // of functions without reserved concurrency
};

}  // namespace portico::functions
