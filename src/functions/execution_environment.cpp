#include "functions/execution_environment.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "common/base64.h"
#include "common/clock.h"
#include "common/json_util.h"
#include "functions/environment_tmp.h"
#include "functions/function_logs.h"
#include "functions/port_forward.h"

namespace portico::functions {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxInvocationLog = 64 * 1024;

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string exitDescription(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return std::string("signal: ") + (sig == SIGKILL   ? "killed"
                                      : sig == SIGSEGV ? "segmentation fault"
                                                       : strsignal(sig));
  }
  return "unknown status";
}

}  // namespace

std::string runtimeExitReason(int waitStatus) {
  // A runtime that ends itself cleanly (sys.exit(0), process.exit()) before answering gives no reason.
  if (WIFEXITED(waitStatus) && WEXITSTATUS(waitStatus) == 0) return "Runtime exited without providing a reason";
  return "Runtime exited with error: " + exitDescription(waitStatus);
}

ExecutionEnvironment::ExecutionEnvironment(asio::io_context& loop, Sandbox& sandbox, FunctionLogs& logs,
                                           const Clock& clock, FunctionSpec spec, EnvironmentPaths paths,
                                           std::string id, std::string region, const FunctionGrants* grants)
    : loop_(loop),
      sandbox_(sandbox),
      logs_(logs),
      clock_(clock),
      spec_(std::move(spec)),
      paths_(std::move(paths)),
      id_(std::move(id)),
      region_(std::move(region)),
      grants_(grants),
      runtimeApi_(loop, *this),
      stdout_(loop),
      stderr_(loop),
      nextWaiter_(loop),
      doneWaiter_(loop),
      deadlineTimer_(loop) {}

ExecutionEnvironment::~ExecutionEnvironment() {
  closeForwards();
  if (credentials_ && grants_ && grants_->credentials) grants_->credentials->revoke(*credentials_);
  if (peakMemoryFd_ >= 0) ::close(peakMemoryFd_);
  if (process_.pid > 0 && !exitStatus_) {
    kill();
    int status = 0;
    while (waitpid(process_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    sandbox_.release(process_);
  }
}

std::map<std::string, std::string> ExecutionEnvironment::lambdaEnvironment(const std::string& runtimeApi) {
  // User variables first; the reserved ones win.
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
  std::map<std::string, std::string> env = spec_.environment;
  std::time_t t = std::chrono::system_clock::to_time_t(clock_.now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char day[16];
  std::strftime(day, sizeof day, "%Y/%m/%d", &tm);
  env["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
  env["_HANDLER"] = spec_.handler;
  env["LAMBDA_TASK_ROOT"] = "/var/task";
  env["LAMBDA_RUNTIME_DIR"] = "/var/runtime";
  env["AWS_LAMBDA_FUNCTION_NAME"] = spec_.name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = spec_.version;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(spec_.memoryMb);
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + spec_.name;
  if (logStream_.empty()) logStream_ = std::string(day) + "/[" + spec_.version + "]" + id_;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = logStream_;
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = provisioned_ ? "provisioned-concurrency" : "on-demand";
  env["AWS_REGION"] = region_;
  env["AWS_DEFAULT_REGION"] = region_;
  if (!spec_.runtime.starts_with("provided")) env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + spec_.runtime;
  if (!env.contains("TZ")) env["TZ"] = ":UTC";
  if (!env.contains("LANG")) env["LANG"] = "en_US.UTF-8";
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin:/opt/bin:/var/task/bin";
  env["LD_LIBRARY_PATH"] = "/var/task/lib:/opt/lib";
  // Layers' paths as Lambda puts them on each runtime's search path (/opt/python[/lib/pythonX.Y/
  // site-packages], /opt/nodejs[/nodeNN]/node_modules, /opt/lib, /opt/bin).
  // https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths
  std::string nodeModules = "/opt/nodejs/node_modules:/var/runtime/node_modules:/var/task/node_modules";
  if (spec_.runtime.starts_with("nodejs") && spec_.runtime.size() > 6) {
    std::string major = spec_.runtime.substr(6, spec_.runtime.find('.') - 6);  // "nodejs20.x" → "20"
    nodeModules = "/opt/nodejs/node" + major + "/node_modules:" + nodeModules;
  }
  env["NODE_PATH"] = nodeModules;
  if (spec_.runtime.starts_with("python")) {
    env.try_emplace("PYTHONPATH", "/opt/python/lib/" + spec_.runtime + "/site-packages:/opt/python");
  }
  env["PYTHONUNBUFFERED"] = "1";
  env["PYTHONDONTWRITEBYTECODE"] = "1";
  if (grants_) {
    // The SDKs' endpoints: Portico's own APIs and the AWS services it is configured with.
    const auto& endpoints = sandbox_.runtimeApiInside() ? grants_->environmentInside : grants_->environmentOnHost;
    for (const auto& [k, v] : endpoints) env.try_emplace(k, v);  // the function's own setting wins
  }
  if (credentials_) {
    env["AWS_ACCESS_KEY_ID"] = credentials_->accessKeyId;
    env["AWS_SECRET_ACCESS_KEY"] = credentials_->secretAccessKey;
    if (!credentials_->sessionToken.empty()) env["AWS_SESSION_TOKEN"] = credentials_->sessionToken;
  }
  return env;
}

Status ExecutionEnvironment::start() {
  // The Runtime API: inside the environment's own network namespace when the sandbox makes one
  // (only this runtime can reach it), else on a port of the host's loopback.
  std::string runtimeApi = std::string(kRuntimeApiHost) + ":" + std::to_string(kRuntimeApiPort);
  if (!sandbox_.runtimeApiInside()) {
    auto listening = runtimeApi_.listenOnLoopback();
    if (!listening) return listening.takeError();
    runtimeApi = std::move(listening).value();
  }
  if (grants_ && grants_->credentials && !credentials_) credentials_ = grants_->credentials->issue(spec_);
  std::vector<std::string> envList;
  for (auto& [k, v] : lambdaEnvironment(runtimeApi)) envList.push_back(k + "=" + v);

  // Each launch has ids of its own (its cgroups are named by it): a restarted runtime's sandbox
  // starts while the last one's is still being torn down.
  std::string launchId = restarts_ == 0 ? id_ : id_ + "-" + std::to_string(restarts_);
  LaunchSpec launch{std::move(launchId), paths_.codeDir,     paths_.runtimeDir,
                    paths_.command,      std::move(envList), spec_.memoryMb};
  if (paths_.tmp) launch.tmpDir = paths_.tmp->dir();
  launch.optDir = paths_.optDir;
  spawnedAt_ = std::chrono::steady_clock::now();
  auto launched = sandbox_.launch(launch);
  if (!launched) {
    dead_ = true;
    return launched.takeError();
  }
  process_ = *launched;
  if (auto file = sandbox_.peakMemoryFile(process_); !file.empty()) {
    peakMemoryFd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  }
  freezer_ = EnvironmentFreezer(sandbox_.freezeControl(process_));
  stdout_.assign(process_.stdoutFd);
  stderr_.assign(process_.stderrFd);
  startForwards();  // (first: a failed adopt below must not leave their listeners open)
  if (process_.runtimeApiFd >= 0) {
    if (auto st = runtimeApi_.adopt(std::exchange(process_.runtimeApiFd, -1)); !st) {
      terminate();
      return st.takeError();
    }
  }
  openPipes_ = 2;
  auto self = shared_from_this();
  asio::co_spawn(
      loop_, [self]() { return self->readOutput(self->stdout_); }, asio::detached);
  asio::co_spawn(
      loop_, [self]() { return self->readOutput(self->stderr_); }, asio::detached);
  runtimeApi_.start(self);
  return Ok{};
}

std::shared_ptr<ExecutionEnvironment> ExecutionEnvironment::restart() {
  if (restarts_ >= kMaxRestarts) {
    // Each restart leaves what the killed runtime wrote to /tmp charged to a memory cgroup that
    // is gone: an environment that keeps timing out is ended instead, and its /tmp with it.
    spdlog::info("function {} environment {}: timed out {} times, ended", spec_.name, id_, restarts_ + 1);
    return nullptr;
  }
  auto next =
      std::make_shared<ExecutionEnvironment>(loop_, sandbox_, logs_, clock_, spec_, paths_, id_, region_, grants_);
  next->logStream_ = logStream_;
  next->restarts_ = restarts_ + 1;
  if (auto started = next->start(); !started) {
    spdlog::warn("function {} environment {}: the runtime could not be restarted after a timeout: {}", spec_.name, id_,
                 started.error().message);
    return nullptr;
  }
  return next;
}

std::optional<double> ExecutionEnvironment::takeInitDurationMs() {
  if (initReported_) return std::nullopt;
  initReported_ = true;
  return initDurationMs_;
}

std::uint64_t ExecutionEnvironment::peakMemoryMb() const {
  if (peakMemoryFd_ < 0) return 0;
  char buf[32];
  ssize_t n = ::pread(peakMemoryFd_, buf, sizeof buf, 0);
  std::uint64_t bytes = 0;
  if (n > 0) std::from_chars(buf, buf + n, bytes);
  return (bytes + (1 << 20) - 1) >> 20;
}

asio::awaitable<void> ExecutionEnvironment::run(std::shared_ptr<Invocation> invocation) {
  auto self = shared_from_this();
  if (dead_) {
    invocation->outcome = Invocation::Outcome::kExited;
    invocation->errorType = "Runtime.ExitError";
    invocation->response =
        runtimeErrorBody("Runtime.ExitError",
                         "RequestId: " + invocation->requestId + " Error: Runtime exited without providing a reason");
    co_return;
  }
  current_ = invocation;
  delivered_ = false;
  freezer_.thaw();
  nextWaiter_.cancel();  // a runtime parked on /next takes it now
  armDeadline();
  while (invocation->outcome == Invocation::Outcome::kPending) {
    boost::system::error_code ec;
    doneWaiter_.expires_at(asio::steady_timer::time_point::max());
    co_await doneWaiter_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  current_.reset();
}

void ExecutionEnvironment::armDeadline() {
  auto remaining = current_->deadline - clock_.now();
  auto at =
      std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(remaining);
  if (deadlinePending_ && deadlineTimer_.expiry() <= at) return;  // fires in time; onDeadline looks again
  deadlinePending_ = true;
  deadlineTimer_.expires_at(at);  // a wait in flight completes as stale
  std::weak_ptr<ExecutionEnvironment> weak = weak_from_this();
  deadlineTimer_.async_wait([weak, generation = ++deadlineGeneration_](const boost::system::error_code& ec) {
    if (auto self = weak.lock()) self->onDeadline(generation, ec);
  });
}

void ExecutionEnvironment::onDeadline(std::uint64_t generation, const boost::system::error_code& ec) {
  if (generation != deadlineGeneration_) return;  // superseded by a later arm
  deadlinePending_ = false;
  if (ec || dead_ || !current_ || current_->outcome != Invocation::Outcome::kPending) return;
  if (clock_.now() < current_->deadline) {  // armed for an earlier invocation
    armDeadline();
    return;
  }
  // Deadline passed: the runtime is killed, as Lambda does (its owner may restart() it).
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(spec_.timeoutSeconds));
  finish(Invocation::Outcome::kTimeout,
         runtimeErrorBody("Sandbox.Timedout",
                          "RequestId: " + current_->requestId + " Error: Task timed out after " + text + " seconds"),
         "Sandbox.Timedout");
  terminate();
}

void ExecutionEnvironment::finish(Invocation::Outcome outcome, std::string response, std::string errorType) {
  if (!current_ || current_->outcome != Invocation::Outcome::kPending) return;
  streaming_ = false;
  if (current_->stream) {  // a stream cut short (a timeout, the runtime's exit) ends with the reason
    std::optional<StreamError> error;
    if (outcome != Invocation::Outcome::kSuccess) {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(response, ec);
      std::string message;
      if (!ec && parsed.is_object()) message = json::strOr(parsed.get_object(), "errorMessage", "");
      error = StreamError{errorType.empty() ? std::string("Unhandled") : errorType, message};
    }
    current_->stream->end(std::move(error));
  }
  current_->outcome = outcome;
  current_->response = std::move(response);
  current_->errorType = std::move(errorType);
  doneWaiter_.cancel();
}

bool ExecutionEnvironment::idle() const {
  return !current_ || current_->outcome != Invocation::Outcome::kPending;
}

void ExecutionEnvironment::kill() {
  ::kill(-process_.pid, SIGKILL);
  ::kill(process_.pid, SIGKILL);
  freezer_.thaw();
}

void ExecutionEnvironment::startForwards() {
  // The listeners are the environment's from here on (release() must not see them).
  std::vector<int> fds = std::exchange(process_.network.forwardFds, {});
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (!grants_ || i >= grants_->forwards.size()) {
      ::close(fds[i]);
      continue;
    }
    const HostForward& f = grants_->forwards[i];
    boost::system::error_code ec;
    auto address = asio::ip::make_address(f.targetHost, ec);
    auto forward = ec ? nullptr : std::make_shared<PortForward>(loop_, asio::ip::tcp::endpoint(address, f.targetPort));
    if (!forward || !forward->adopt(fds[i])) {
      ::close(fds[i]);
      spdlog::warn("function {} environment {}: cannot forward port {} to {}:{}", spec_.name, id_, f.insidePort,
                   f.targetHost, f.targetPort);
      continue;
    }
    forward->start();
    forwards_.push_back(std::move(forward));
  }
}

void ExecutionEnvironment::closeForwards() {
  for (auto& f : forwards_) f->close();
  forwards_.clear();
}

void ExecutionEnvironment::terminate() {
  if (process_.pid > 0 && !exitStatus_) kill();
  dead_ = true;
  runtimeApi_.close();
  closeForwards();
  nextWaiter_.cancel();
  deadlineTimer_.cancel();
}

void ExecutionEnvironment::reap() {
  if (process_.pid <= 0 || exitStatus_) return;
  int status = 0;
  pid_t r = waitpid(process_.pid, &status, WNOHANG);
  if (r == 0) {
    // Both pipes closed but the process lives on: it has no business running unobserved.
    kill();
    while (waitpid(process_.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  exitStatus_ = status;
  sandbox_.release(process_);
}

void ExecutionEnvironment::onPipeClosed() {
  if (--openPipes_ > 0) return;
  bool wasDead = dead_;
  reap();
  terminate();
  if (current_ && current_->outcome == Invocation::Outcome::kPending) {
    if (!initErrorType_.empty()) {
      finish(Invocation::Outcome::kInitError, initError_, initErrorType_);
    } else {
      finish(Invocation::Outcome::kExited,
             runtimeErrorBody("Runtime.ExitError",
                              "RequestId: " + current_->requestId + " Error: " + runtimeExitReason(*exitStatus_)),
             "Runtime.ExitError");
    }
  }
  if (!wasDead) spdlog::debug("function {} environment {} exited ({})", spec_.name, id_, exitDescription(*exitStatus_));
}

void ExecutionEnvironment::onOutputLine(std::string_view line) {
  logs_.append(spec_.name, logStream_, epochMs(clock_.now()), std::string(line));
  if (current_) {
    auto& log = current_->log;
    log.append(line);
    log.push_back('\n');
    if (log.size() > kMaxInvocationLog) log.erase(0, log.size() - kMaxInvocationLog);
  }
}

asio::awaitable<void> ExecutionEnvironment::readOutput(asio::posix::stream_descriptor& pipe) {
  auto self = shared_from_this();
  int which = &pipe == &stdout_ ? 0 : 1;
  std::string& partial = partialLine_[which];
  char buf[8192];
  while (true) {
    boost::system::error_code ec;
    std::size_t n = co_await pipe.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    partial.append(buf, n);
    std::size_t start = 0;
    for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n', start)) {
      onOutputLine(std::string_view(partial).substr(start, nl - start));
      start = nl + 1;
    }
    partial.erase(0, start);
    if (partial.size() > 16384) {  // a runaway line without newlines
      onOutputLine(partial);
      partial.clear();
    }
  }
  if (!partial.empty()) onOutputLine(partial);
  partial.clear();
  boost::system::error_code ignored;
  pipe.close(ignored);
  onPipeClosed();
}

asio::awaitable<std::optional<RuntimeEvent>> ExecutionEnvironment::next() {
  auto self = shared_from_this();
  // The newest GET /next is the runtime's: an older one still parked belongs to a connection the
  // runtime gave up (it asked again on a new one), and never takes an event.
  const std::uint64_t ticket = ++nextTicket_;
  // Its init ends with its first GET /next (a restarted runtime may wait there a while for work).
  if (!initDurationMs_) {
    initDurationMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - spawnedAt_).count();
    initialized_.store(true, std::memory_order_release);
  }
  // Nothing to run: the environment stops until there is (once it has served an invocation, or
  // when it is a restarted runtime, which nothing is waiting for; a fresh one about to be handed
  // its first is never frozen).
  if ((servedOne_ || restarts_ > 0) && freezer_.available() && idle()) {
    co_await asio::post(loop_, asio::use_awaitable);  // the last invocation's caller answers first
    if (idle() && ticket == nextTicket_ && !dead_) freezer_.freeze();
  }
  while (!dead_ && (!current_ || delivered_) && ticket == nextTicket_) {
    boost::system::error_code ec;
    nextWaiter_.expires_at(asio::steady_timer::time_point::max());
    co_await nextWaiter_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (dead_ || ticket != nextTicket_) co_return std::nullopt;
  delivered_ = true;
  servedOne_ = true;
  co_return RuntimeEvent{current_->payload,    current_->requestId, epochMs(current_->deadline),
                         current_->invokedArn, current_->traceId,   current_->clientContext};
}

RuntimeApiBackend::Answer ExecutionEnvironment::answer(std::string_view requestId, bool isError, std::string errorType,
                                                       std::string body) {
  if (!current_ || !delivered_ || current_->requestId != requestId) return Answer::kUnknownRequest;
  if (current_->outcome != Invocation::Outcome::kPending) return Answer::kAlreadyAnswered;
  finish(isError ? Invocation::Outcome::kFunctionError : Invocation::Outcome::kSuccess, std::move(body),
         std::move(errorType));
  return Answer::kAccepted;
}

RuntimeApiBackend::Answer ExecutionEnvironment::beginStream(std::string_view requestId, std::string contentType) {
  if (!current_ || !delivered_ || current_->requestId != requestId) return Answer::kUnknownRequest;
  if (current_->outcome != Invocation::Outcome::kPending || streaming_) return Answer::kAlreadyAnswered;
  streaming_ = true;
  current_->response.clear();
  if (current_->stream) current_->stream->begin(contentType.empty() ? "application/octet-stream" : contentType);
  return Answer::kAccepted;
}

void ExecutionEnvironment::streamPiece(std::string_view requestId, std::string piece) {
  if (!streaming_ || !current_ || current_->requestId != requestId) return;
  if (current_->stream) {
    current_->stream->push(std::move(piece));
    return;
  }
  // Nobody relays it as it comes: gathered, within a buffered response's limit.
  if (current_->response.size() + piece.size() > RuntimeApiServer::kMaxResultBytes) {
    resultTooLarge();
    return;
  }
  current_->response += piece;
}

bool ExecutionEnvironment::streamFull() const {
  return streaming_ && current_ && current_->stream && current_->stream->full();
}

void ExecutionEnvironment::endStream(std::string_view requestId, bool failed, std::string errorType,
                                     std::string errorBody) {
  if (!streaming_ || !current_ || current_->requestId != requestId) return;
  if (!failed) {
    std::string gathered = current_->stream ? std::string() : std::move(current_->response);
    finish(Invocation::Outcome::kSuccess, std::move(gathered), "");
    return;
  }
  // The error's body comes base64-encoded in its trailer; a runtime that sent none gets one.
  std::string body;
  if (auto decoded = base64Decode(errorBody); decoded && !decoded->empty()) body = std::move(*decoded);
  if (body.empty()) body = runtimeErrorBody(errorType, "The response stream ended with an error");
  finish(Invocation::Outcome::kFunctionError, std::move(body), std::move(errorType));
}

void ExecutionEnvironment::initFailed(std::string errorType, std::string body) {
  initErrorType_ = std::move(errorType);
  initError_ = std::move(body);
  if (current_) finish(Invocation::Outcome::kInitError, initError_, initErrorType_);
}

void ExecutionEnvironment::resultTooLarge() {
  finish(Invocation::Outcome::kResponseTooLarge,
         runtimeErrorBody("Function.ResponseSizeTooLarge",
                          "Response payload size exceeded maximum allowed payload size (6291556 bytes)."),
         "Function.ResponseSizeTooLarge");
}

}  // namespace portico::functions
