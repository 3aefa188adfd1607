// AsyncInvokeQueue: Lambda's queue of Event invocations. Each is written to the store (kind
// `async_invocation`) before the caller gets its 202 and removed once done, so a restart resumes
// what was acknowledged. A function error is retried MaximumRetryAttempts times (AWS's default
// 2: after 1 minute, then 2); a throttled attempt is retried after a second without counting; an
// event older than MaximumEventAgeInSeconds is not tried again. Then the invocation record goes
// to the OnSuccess or OnFailure destination when it is a Lambda function (queued like any Event
// invocation); other destination types are logged as not delivered. Runs on the functions loop.
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/id_generator.h"
#include "functions/function_catalog.h"

namespace portico {
class Clock;
}
namespace portico::store {
class Store;
}

namespace portico::functions {

/// One queued Event invocation, as the runner gets it.
struct QueuedEvent {
  FunctionRef function;
  std::string payload;
  std::string clientContext;      // X-Amz-Client-Context as sent (base64 JSON)
  std::string requestId;          // the invocation's, the same in every attempt (what Invoke answered)
  std::int64_t enqueuedAtMs = 0;  // when Invoke queued it (the AsyncEventAge metric)
};

/// How an attempt ended, as the queue decides what comes next.
enum class AttemptOutcome {
  kDone,       // succeeded, or can never run (the function is gone): forget it
  kFailed,     // a function or start-up error: retried twice
  kThrottled,  // 429: retried after a second, not counted
  kStopping,   // Portico is shutting down: keep the record for the restart
};

/// An attempt's outcome with what decides the next step: the function's settings as resolved
/// for the attempt and, once it ran, its answer (for a destination's invocation record).
struct AttemptResult {
  AttemptOutcome outcome = AttemptOutcome::kDone;
  EventInvokePolicy policy;
  std::string functionArn;      // the ARN invoked
  std::string executedVersion;  // "$LATEST", "3", ...
  std::string response;         // the function's payload
  std::string functionError;    // "Unhandled" when it failed, "" on success
  bool ran = false;             // false: never reached the function (gone, shutting down)
};

struct RetryDelays {
  std::chrono::milliseconds first{60000};
  std::chrono::milliseconds second{120000};
};

class AsyncInvokeQueue : public std::enable_shared_from_this<AsyncInvokeQueue> {
 public:
  using Runner = std::function<boost::asio::awaitable<AttemptResult>(QueuedEvent)>;

  /// All borrowed; `run` makes one attempt.
  AsyncInvokeQueue(boost::asio::io_context& loop, store::Store& store, const Clock& clock, RetryDelays delays,
                   Runner run);

  /// Records the invocation durably, then schedules it; its request id (every attempt runs with
  /// it). Call from any thread.
  std::string enqueue(const FunctionRef& function, const std::string& payload, const std::string& clientContext);
  /// Schedules what a previous run left in the store. Call once, on the loop.
  void resume();
  /// No attempt starts after this; what is queued stays queued.
  void stop() { stopped_ = true; }
  /// Events queued or being attempted now (the async queue depth gauge).
  int depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  boost::asio::awaitable<void> drive(std::string id, boost::json::object record);
  /// The invocation record to `destination` (condition: Success, RetriesExhausted, EventAgeExceeded).
  void deliver(const std::string& destination, const boost::json::object& record, const std::string& id,
               const AttemptResult& last, std::string_view condition, std::int64_t attempts);
  boost::asio::awaitable<void> sleep(std::chrono::milliseconds delay);
  std::int64_t nowMs() const;

  boost::asio::io_context& loop_;
  store::Store& store_;
  const Clock& clock_;
  RetryDelays delays_;
  Runner run_;
  std::atomic<bool> stopped_ = false;
  std::atomic<int> depth_ = 0;
  std::mutex idsMu_;  // enqueue runs on any caller's thread
  IdGenerator ids_;
};

}  // namespace portico::functions
