// ExecutionEnvironment: one sandboxed runtime process, the invocation it is running, and the
// Runtime API server it talks to (runtime_api_server.h: this class is its backend).
//
// Lives entirely on the loop it was made with (one thread): no locks; only alive() may be
// read from other threads. The owner assigns one invocation at a time with run(); the
// runtime fetches it with GET .../next and answers with .../response or .../error; while it
// waits on .../next for work that has not come, its processes are frozen. An
// environment that times out, crashes or fails its init is dead and never reused; after a
// timeout, restart() gives the execution environment a new one in its place (Lambda's reset: the
// runtime starts again, with the same id, log stream and /tmp).
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "functions/environment_freezer.h"
#include "functions/function_grants.h"
#include "functions/function_spec.h"
#include "functions/response_stream.h"
#include "functions/runtime_api_server.h"
#include "functions/sandbox.h"

namespace portico {
class Clock;
}

namespace portico::functions {

class EnvironmentTmp;
class FunctionLogs;
class PortForward;

/// One invocation as the environment sees it, and how it ended.
struct Invocation {
  enum class Outcome { kPending, kSuccess, kFunctionError, kTimeout, kExited, kInitError, kResponseTooLarge };

  std::string requestId;
  std::string payload;
  std::string invokedArn;
  std::string clientContext;  // decoded JSON, "" when none
  std::string traceId;
  std::chrono::system_clock::time_point deadline;

  Outcome outcome = Outcome::kPending;
  std::string response;   // the function's result, or its error object
  std::string errorType;  // for function errors
  std::string log;        // output captured during the invocation (bounded)
  /// Set by a caller that relays a streamed response as it comes (response_stream.h); null: a
  /// streamed response is gathered into `response` (bounded as a buffered one).
  std::shared_ptr<ResponseStream> stream;
};

struct EnvironmentPaths {
  std::filesystem::path codeDir;
  std::filesystem::path runtimeDir;
  std::vector<std::string> command;  // argv inside the sandbox
  /// The execution environment's /tmp (Sandbox::makeTmp), shared by the runtimes it restarts;
  /// null: each sandbox gets a fresh one.
  std::shared_ptr<EnvironmentTmp> tmp;
  std::filesystem::path optDir;  // the function's layers at /opt (empty: none)
};

/// What Lambda says of a runtime that exited before answering, from its waitpid status: "Runtime
/// exited without providing a reason" (status 0), else "Runtime exited with error: exit status 3",
/// "... signal: killed" and so on. The invocation's errorMessage is "RequestId: <id> Error: " + it.
std::string runtimeExitReason(int waitStatus);

class ExecutionEnvironment : public std::enable_shared_from_this<ExecutionEnvironment>, private RuntimeApiBackend {
 public:
  ExecutionEnvironment(boost::asio::io_context& loop, Sandbox& sandbox, FunctionLogs& logs, const Clock& clock,
                       FunctionSpec spec, EnvironmentPaths paths, std::string id, std::string region,
                       const FunctionGrants* grants = nullptr);
  ~ExecutionEnvironment() override;

  /// Binds the Runtime API port and starts the process. Call once.
  Status start();
  /// Runs one invocation to its end (response, error, timeout, crash). Call when idle.
  boost::asio::awaitable<void> run(std::shared_ptr<Invocation> invocation);
  /// Kills the process (if alive) and stops serving.
  void terminate() override;
  /// After an invocation timed out (this runtime is killed): the execution environment reset as
  /// Lambda resets it, a new runtime process in a new sandbox with this one's id, log stream and
  /// /tmp (its files kept; the globals of the code gone), already started. Its init is reported
  /// with the first invocation it serves, as a cold start's is. Null when it could not start, or
  /// after kMaxRestarts (the environment then ends, as before a reset existed). Call on this
  /// environment's loop.
  std::shared_ptr<ExecutionEnvironment> restart();
  /// Timeouts one execution environment is reset after; the next one ends it.
  static constexpr int kMaxRestarts = 8;

  /// Safe to read from any thread (the pool checks it before handing the environment out).
  bool alive() const { return !dead_.load(std::memory_order_relaxed); }
  const FunctionSpec& spec() const { return spec_; }
  const std::string& id() const { return id_; }
  /// The CloudWatch-style log stream this environment writes to.
  const std::string& logStream() const { return logStream_; }
  /// The init duration (spawn → first /next) if this environment has not served an invocation yet.
  std::optional<double> takeInitDurationMs();
  /// Started for provisioned concurrency (call before start()): the runtime sees
  /// AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency, and no invocation reports its init.
  void markProvisioned() {
    provisioned_ = true;
    initReported_ = true;
  }
  /// The runtime has finished its init (asked for its first invocation). Any thread.
  bool initialized() const { return initialized_.load(std::memory_order_acquire); }
  /// Peak memory in MB (0 when the host cannot tell).
  std::uint64_t peakMemoryMb() const;
  /// When the credentials it was given expire (it must not be handed invocations past that).
  std::optional<std::chrono::system_clock::time_point> credentialsExpireAt() const {
    return credentials_ ? credentials_->expiresAt : std::nullopt;
  }

 private:
  // RuntimeApiBackend: what the runtime's requests do to the invocation in flight.
  boost::asio::awaitable<std::optional<RuntimeEvent>> next() override;
  Answer answer(std::string_view requestId, bool isError, std::string errorType, std::string body) override;
  Answer beginStream(std::string_view requestId, std::string contentType) override;
  void streamPiece(std::string_view requestId, std::string piece) override;
  bool streamFull() const override;
  void endStream(std::string_view requestId, bool failed, std::string errorType, std::string errorBody) override;
  void initFailed(std::string errorType, std::string body) override;
  void resultTooLarge() override;
  bool invocationPending() const override { return !idle(); }
  bool stopped() const override { return dead_; }

  std::map<std::string, std::string> lambdaEnvironment(const std::string& runtimeApi);
  boost::asio::awaitable<void> readOutput(boost::asio::posix::stream_descriptor& pipe);
  void onOutputLine(std::string_view line);
  void onPipeClosed();
  void finish(Invocation::Outcome outcome, std::string response, std::string errorType);
  void armDeadline();
  void onDeadline(std::uint64_t generation, const boost::system::error_code& ec);
  void reap();
  /// No invocation waits for this environment's answer.
  bool idle() const;
  /// SIGKILL to the process group and the process, thawed so that it takes effect.
  void kill();
  void startForwards();
  void closeForwards();

  boost::asio::io_context& loop_;
  Sandbox& sandbox_;
  FunctionLogs& logs_;
  const Clock& clock_;
  FunctionSpec spec_;
  EnvironmentPaths paths_;
  std::string id_;
  std::string region_;
  const FunctionGrants* grants_;                        // borrowed; null: nothing granted
  std::optional<EnvironmentCredentials> credentials_;   // issued at start, revoked at the end
  std::vector<std::shared_ptr<PortForward>> forwards_;  // grants_->forwards, relayed inside
  std::string logStream_;                               // chosen at the first start, kept by restarts
  int restarts_ = 0;                                    // runtimes this execution environment had before this one

  RuntimeApiServer runtimeApi_;
  boost::asio::posix::stream_descriptor stdout_, stderr_;
  LaunchedProcess process_;
  int openPipes_ = 0;
  std::atomic<bool> dead_ = false;
  std::optional<int> exitStatus_;  // raw waitpid status once reaped

  std::shared_ptr<Invocation> current_;
  bool delivered_ = false;                // current_ handed to the runtime via /next
  bool streaming_ = false;                // current_'s response is streaming in
  std::uint64_t nextTicket_ = 0;          // counts GET /next requests; the newest one is served
  boost::asio::steady_timer nextWaiter_;  // cancelled to wake a parked /next
  boost::asio::steady_timer doneWaiter_;  // cancelled when current_ ends
  // The invocation deadline. Left running between invocations and re-armed only when it fires
  // early or a deadline is earlier than it: a later invocation's deadline never is, so a warm
  // invoke arms no timer (each re-arm is a timerfd syscall).
  boost::asio::steady_timer deadlineTimer_;
  std::uint64_t deadlineGeneration_ = 0;  // of the wait in flight; older completions are stale
  bool deadlinePending_ = false;
  int peakMemoryFd_ = -1;  // the sandbox's peak memory file, opened once
  // Frozen while the runtime waits on /next with nothing to run (after its first invocation, as
  // Lambda does), thawed to hand it the next one or to let a kill take effect.
  EnvironmentFreezer freezer_;
  bool servedOne_ = false;
  std::string initErrorType_, initError_;  // from /runtime/init/error
  std::chrono::steady_clock::time_point spawnedAt_;
  std::optional<double> initDurationMs_;  // spawn → the runtime's first GET /next
  bool initReported_ = false;
  bool provisioned_ = false;
  std::atomic<bool> initialized_ = false;
  std::string partialLine_[2];
};

}  // namespace portico::functions
