#include "functions/async_invoke_queue.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "common/clock.h"
#include "common/json_util.h"
#include "store/store.h"

namespace portico::functions {
namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr std::string_view kKind = "async_invocation";
constexpr int kMaxAttempts = 3;
constexpr std::chrono::milliseconds kThrottledDelay{1000};

std::int64_t intOr(const bj::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

}  // namespace

AsyncInvokeQueue::AsyncInvokeQueue(asio::io_context& loop, store::Store& store, const Clock& clock, RetryDelays delays,
                                   Runner run)
    : loop_(loop), store_(store), clock_(clock), delays_(delays), run_(std::move(run)) {}

std::int64_t AsyncInvokeQueue::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
}

std::string AsyncInvokeQueue::enqueue(const FunctionRef& function, const std::string& payload,
                                      const std::string& clientContext) {
  std::string id;
  {
    std::lock_guard lock(idsMu_);
    id = ids_.uuid();
  }
  bj::object record{{"function", function.name},
                    {"qualifier", function.qualifier},
                    {"payload", payload},
                    {"clientContext", clientContext},
                    {"attempt", 0},
                    {"notBefore", 0}};
  store_.put(store::Document{std::string(kKind), "", id, bj::serialize(record), 0});
  asio::co_spawn(loop_, drive(id, std::move(record)), asio::detached);
  return id;
}

void AsyncInvokeQueue::resume() {
  std::size_t n = 0;
  for (auto& d : store_.list(kKind, "")) {
    if (auto record = json::parseObject(d.body)) {
      asio::co_spawn(loop_, drive(d.id, std::move(*record)), asio::detached);
      ++n;
    }
  }
  if (n) spdlog::info("resuming {} queued Event invocation(s)", n);
}

asio::awaitable<void> AsyncInvokeQueue::sleep(std::chrono::milliseconds delay) {
  asio::steady_timer timer(loop_);
  timer.expires_after(delay);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> AsyncInvokeQueue::drive(std::string id, bj::object record) {
  auto self = shared_from_this();
  if (std::chrono::milliseconds wait{intOr(record, "notBefore") - nowMs()}; wait.count() > 0) {
    co_await sleep(wait);
  }
  while (!stopped_) {
    QueuedEvent event{{json::strOr(record, "function", ""), json::strOr(record, "qualifier", "")},
                      json::strOr(record, "payload", ""),
                      json::strOr(record, "clientContext", ""),
                      id};
    std::string name = event.function.name;
    auto attempt = run_(std::move(event));  // a named local: GCC 12 mishandles co_await on temporaries
    AttemptOutcome outcome = co_await std::move(attempt);
    if (outcome == AttemptOutcome::kStopping || stopped_) co_return;  // the record runs again after a restart
    if (outcome == AttemptOutcome::kDone) break;
    std::chrono::milliseconds delay = kThrottledDelay;  // throttled: retried without counting an attempt
    if (outcome == AttemptOutcome::kFailed) {
      std::int64_t attempts = intOr(record, "attempt");
      if (attempts + 1 >= kMaxAttempts) {
        spdlog::warn("async invocation {} of {} failed after {} attempts", id, name, kMaxAttempts);
        break;
      }
      record["attempt"] = attempts + 1;
      delay = attempts == 0 ? delays_.first : delays_.second;
    }
    record["notBefore"] = nowMs() + delay.count();
    store_.put(store::Document{std::string(kKind), "", id, bj::serialize(record), 0});
    co_await sleep(delay);
  }
  if (!stopped_) store_.remove(kKind, "", id);
}

}  // namespace portico::functions
