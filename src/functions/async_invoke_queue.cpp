#include "functions/async_invoke_queue.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "common/clock.h"
#include "common/iso_time.h"
#include "common/json_util.h"
#include "store/store.h"

namespace portico::functions {
namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr std::string_view kKind = "async_invocation";
constexpr std::chrono::milliseconds kThrottledDelay{1000};

/// A JSON payload as itself, anything else as a string (an invocation record's payload fields).
bj::value payloadValue(const std::string& text) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec) return bj::value(text);
  return v;
}

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
                    {"notBefore", 0},
                    {"enqueuedAt", nowMs()}};
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

void AsyncInvokeQueue::deliver(const std::string& destination, const bj::object& record, const std::string& id,
                               const AttemptResult& last, std::string_view condition, std::int64_t attempts) {
  if (destination.empty()) return;
  if (!destination.starts_with("arn:aws:lambda:")) {
    spdlog::warn("async invocation {}: destination {} not delivered: Portico delivers to Lambda functions only", id,
                 destination);
    return;
  }
  auto target = FunctionCatalog::parseRef(destination);
  if (!target) {
    spdlog::warn("async invocation {}: destination {} is not a function ARN", id, destination);
    return;
  }
  bj::object responseContext{{"statusCode", 200}, {"executedVersion", last.executedVersion}};
  if (!last.functionError.empty()) responseContext["functionError"] = last.functionError;
  bj::object invocation{{"version", "1.0"},
                        {"timestamp", isoMillis(clock_.now(), "Z")},
                        {"requestContext", bj::object{{"requestId", id},
                                                      {"functionArn", last.functionArn},
                                                      {"condition", condition},
                                                      {"approximateInvokeCount", attempts}}},
                        {"requestPayload", payloadValue(json::strOr(record, "payload", ""))},
                        {"responseContext", std::move(responseContext)}};
  if (last.ran) invocation["responsePayload"] = payloadValue(last.response);
  enqueue(*target, bj::serialize(invocation), "");
}

asio::awaitable<void> AsyncInvokeQueue::drive(std::string id, bj::object record) {
  auto self = shared_from_this();
  depth_.fetch_add(1, std::memory_order_relaxed);
  struct Leaving {
    std::atomic<int>& depth;
    ~Leaving() { depth.fetch_sub(1, std::memory_order_relaxed); }
  } leaving{depth_};
  if (std::chrono::milliseconds wait{intOr(record, "notBefore") - nowMs()}; wait.count() > 0) {
    co_await sleep(wait);
  }
  const std::int64_t enqueuedAt = record.contains("enqueuedAt") ? intOr(record, "enqueuedAt") : nowMs();
  while (!stopped_) {
    QueuedEvent event{{json::strOr(record, "function", ""), json::strOr(record, "qualifier", "")},
                      json::strOr(record, "payload", ""),
                      json::strOr(record, "clientContext", ""),
                      id,
                      enqueuedAt};
    std::string name = event.function.name;
    auto attempt = run_(std::move(event));  // a named local: GCC 12 mishandles co_await on temporaries
    AttemptResult result = co_await std::move(attempt);
    if (result.outcome == AttemptOutcome::kStopping || stopped_) co_return;  // runs again after a restart
    const std::int64_t attempts = intOr(record, "attempt") + (result.outcome == AttemptOutcome::kThrottled ? 0 : 1);
    if (result.outcome == AttemptOutcome::kDone) {
      if (result.ran) deliver(result.policy.onSuccess, record, id, result, "Success", attempts);
      break;
    }
    std::chrono::milliseconds delay = kThrottledDelay;  // throttled: retried without counting an attempt
    if (result.outcome == AttemptOutcome::kFailed) {
      if (attempts > result.policy.maximumRetryAttempts) {
        spdlog::warn("async invocation {} of {} failed after {} attempt(s)", id, name, attempts);
        deliver(result.policy.onFailure, record, id, result, "RetriesExhausted", attempts);
        break;
      }
      record["attempt"] = attempts;
      delay = attempts == 1 ? delays_.first : delays_.second;
    }
    if (nowMs() + delay.count() - enqueuedAt > std::int64_t{result.policy.maximumEventAgeSeconds} * 1000) {
      spdlog::warn("async invocation {} of {} dropped: older than {} s", id, name,
                   result.policy.maximumEventAgeSeconds);
      deliver(result.policy.onFailure, record, id, result, "EventAgeExceeded", attempts);
      break;
    }
    record["notBefore"] = nowMs() + delay.count();
    store_.put(store::Document{std::string(kKind), "", id, bj::serialize(record), 0});
    co_await sleep(delay);
  }
  if (!stopped_) store_.remove(kKind, "", id);
}

}  // namespace portico::functions
