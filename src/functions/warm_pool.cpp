#include "functions/warm_pool.h"

#include <boost/asio/post.hpp>

#include "functions/execution_environment.h"

namespace portico::functions {
namespace asio = boost::asio;

namespace {

ApiError throttled(const char* reason) {
  ApiError e = ApiError::lambda("TooManyRequestsException", 429, "Rate Exceeded.");
  e.reason = reason;
  return e;
}

/// Past the function's own reserved concurrency.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
ApiError reservationExceeded() {
  return throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
}

/// Ends an environment that left the pool. Its reference moves to its own loop, so it is
/// terminated and destroyed there, whoever held the slot.
void retire(PooledEnvironment& slot) {
  if (!slot.env) return;
  asio::post(*slot.loop, [env = std::move(slot.env)] { env->terminate(); });
}

/// Retires the idle environments of a pool for which `drop` holds.
template <class Drop>
void retireIdle(std::vector<WarmPool::Slot>& pool, Drop drop) {
  std::erase_if(pool, [&](const WarmPool::Slot& s) {
    if (s->busy || !drop(*s)) return false;
    retire(*s);
    return true;
  });
}

}  // namespace

WarmPool::Lease::Lease(WarmPool& pool, std::string function, bool unreserved, Slot slot, int concurrency)
    : pool_(&pool),
      function_(std::move(function)),
      unreserved_(unreserved),
      concurrency_(concurrency),
      slot_(std::move(slot)) {}

WarmPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      function_(std::move(other.function_)),
      unreserved_(other.unreserved_),
      concurrency_(other.concurrency_),
      slot_(std::move(other.slot_)),
      alive_(other.alive_) {}

WarmPool::Lease::~Lease() {
  if (pool_) pool_->release(*this);
}

void WarmPool::Lease::adopt(std::shared_ptr<ExecutionEnvironment> env, asio::io_context& loop, const std::string& key) {
  auto retireBy = env->credentialsExpireAt();
  slot_ = std::make_shared<PooledEnvironment>(
      PooledEnvironment{std::move(env), &loop, key, true, std::chrono::steady_clock::now(), retireBy});
  std::lock_guard lock(pool_->mu_);
  pool_->pools_[key].push_back(slot_);
}

void WarmPool::Lease::dropDead() {
  std::lock_guard lock(pool_->mu_);
  pool_->dropLocked(slot_);
  slot_ = nullptr;
}

void WarmPool::Lease::replace(std::shared_ptr<ExecutionEnvironment> env) {
  std::lock_guard lock(pool_->mu_);
  PooledEnvironment replaced{std::exchange(slot_->env, std::move(env)), slot_->loop};
  slot_->retireBy = slot_->env->credentialsExpireAt();
  retire(replaced);
}

void WarmPool::release(Lease& lease) {
  std::lock_guard lock(mu_);
  --inUse_[lease.function_];
  if (lease.unreserved_) --inUseUnreserved_;
  if (!lease.slot_) return;
  lease.slot_->busy = false;
  lease.slot_->lastUsed = std::chrono::steady_clock::now();
  if (lease.alive_ && !*lease.alive_) dropLocked(lease.slot_);
}

Result<WarmPool::Lease> WarmPool::admit(const FunctionSpec& spec, const asio::io_context* here,
                                        std::chrono::system_clock::time_point now) {
  // A reservation is the function's own (guaranteed) limit; the others share the unreserved pool.
  const bool reserved = spec.reservedConcurrency.has_value();
  std::lock_guard lock(mu_);
  dropStaleLocked(spec);
  if (reserved && inUse_[spec.name] >= *spec.reservedConcurrency) return reservationExceeded();
  if (!reserved && account_ && inUseUnreserved_ >= account_->unreserved()) {
    return throttled("ConcurrentInvocationLimitExceeded");
  }
  const int concurrency = ++inUse_[spec.name];
  if (!reserved) ++inUseUnreserved_;
  return Lease(*this, spec.name, !reserved,
               takeIdleLocked(spec.poolKey(), here, now + std::chrono::seconds(spec.timeoutSeconds)), concurrency);
}

std::map<std::string, int> WarmPool::running() {
  std::lock_guard lock(mu_);
  std::map<std::string, int> out;
  for (const auto& [name, n] : inUse_) {
    if (n > 0) out.emplace(name, n);
  }
  return out;
}

std::optional<ApiError> WarmPool::refusesEvery(const FunctionSpec& spec) {
  if (spec.reservedConcurrency && *spec.reservedConcurrency <= 0) return reservationExceeded();
  return std::nullopt;
}

void WarmPool::dropStaleLocked(const FunctionSpec& spec) {
  std::string prefix = spec.name + ":" + spec.version + "#";
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (it->first.starts_with(prefix) && it->first != spec.poolKey()) {
      retireIdle(it->second, [](const PooledEnvironment&) { return true; });
      if (it->second.empty()) {
        it = pools_.erase(it);
        continue;
      }
    }
    ++it;
  }
}

WarmPool::Slot WarmPool::takeIdleLocked(const std::string& key, const asio::io_context* here,
                                        std::chrono::system_clock::time_point mustLastUntil) {
  auto it = pools_.find(key);
  if (it == pools_.end()) return nullptr;
  retireIdle(it->second, [mustLastUntil](const PooledEnvironment& s) {
    return !s.env->alive() || (s.retireBy && *s.retireBy <= mustLastUntil);
  });
  Slot best;
  for (auto& s : it->second) {
    if (s->busy) continue;
    bool local = s->loop == here, bestLocal = best && best->loop == here;
    if (!best || (local && !bestLocal) || (local == bestLocal && s->lastUsed > best->lastUsed)) best = s;
  }
  if (best) best->busy = true;
  return best;
}

void WarmPool::dropLocked(const Slot& slot) {
  auto it = pools_.find(slot->key);
  if (it != pools_.end()) std::erase(it->second, slot);
  retire(*slot);
}

void WarmPool::reapIdle(std::chrono::steady_clock::time_point cutoff) {
  std::lock_guard lock(mu_);
  for (auto it = pools_.begin(); it != pools_.end();) {
    retireIdle(it->second,
               [&](const PooledEnvironment& s) { return !s.env->alive() || (!s.provisioned && s.lastUsed < cutoff); });
    it = it->second.empty() ? pools_.erase(it) : std::next(it);
  }
}

WarmPool::Slot WarmPool::addProvisioned(std::shared_ptr<ExecutionEnvironment> env, asio::io_context& loop,
                                        const std::string& key) {
  auto slot = std::make_shared<PooledEnvironment>();
  slot->env = std::move(env);
  slot->loop = &loop;
  slot->key = key;
  slot->busy = false;
  slot->provisioned = true;
  slot->lastUsed = std::chrono::steady_clock::now();
  if (slot->env) slot->retireBy = slot->env->credentialsExpireAt();
  std::lock_guard lock(mu_);
  pools_[key].push_back(slot);
  return slot;
}

void WarmPool::unprovision(const Slot& slot) {
  std::lock_guard lock(mu_);
  slot->provisioned = false;
}

bool WarmPool::pooled(const Slot& slot) {
  std::lock_guard lock(mu_);
  return slot->env && slot->env->alive();
}

bool WarmPool::ready(const Slot& slot) {
  std::lock_guard lock(mu_);
  return slot->env && slot->env->alive() && slot->env->initialized();
}

void WarmPool::killAll() {
  std::lock_guard lock(mu_);
  for (auto& [key, slots] : pools_) {
    for (auto& s : slots) {
      if (s->env) s->env->terminate();
    }
  }
  pools_.clear();
}

}  // namespace portico::functions
