#include "functions/execution_environment.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

#include "functions/function_logs.h"
#include "http/message_writer.h"

namespace portico::functions {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr std::size_t kMaxResponseBytes = 6291556;  // what the Runtime API accepts
constexpr std::size_t kMaxInvocationLog = 64 * 1024;
constexpr std::string_view kPrefix = "/2018-06-01/runtime/";

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bhttp::response<bhttp::string_body> jsonReply(bhttp::status status, std::string body) {
  bhttp::response<bhttp::string_body> res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

/// Whether the read buffer holds the whole head of a next request (a request line, not stray line
/// ends, and the blank line that ends the head).
bool holdsRequestHead(const beast::flat_buffer& buffer) {
  std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
  return !data.empty() && data.front() != '\r' && data.front() != '\n' &&
         data.find("\r\n\r\n") != std::string_view::npos;
}

std::string runtimeError(std::string_view type, std::string_view message) {
  boost::json::object o;
  o["errorMessage"] = message;
  o["errorType"] = type;
  return boost::json::serialize(o);
}

/// The errorType of an error body, when the runtime did not send the header.
std::string errorTypeOf(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (auto* t = v.get_object().if_contains("errorType"); t && t->is_string()) return std::string(t->get_string());
  }
  return "Unhandled";
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

ExecutionEnvironment::ExecutionEnvironment(asio::io_context& loop, Sandbox& sandbox, FunctionLogs& logs,
                                           FunctionSpec spec, EnvironmentPaths paths, std::string id,
                                           std::string region)
    : loop_(loop),
      sandbox_(sandbox),
      logs_(logs),
      spec_(std::move(spec)),
      paths_(std::move(paths)),
      id_(std::move(id)),
      region_(std::move(region)),
      acceptor_(loop),
      stdout_(loop),
      stderr_(loop),
      nextWaiter_(loop),
      doneWaiter_(loop),
      deadlineTimer_(loop) {}

ExecutionEnvironment::~ExecutionEnvironment() {
  if (peakMemoryFd_ >= 0) ::close(peakMemoryFd_);
  if (process_.pid > 0 && !exitStatus_) {
    kill();
    int status = 0;
    while (waitpid(process_.pid, &status, 0) < 0 && errno == EINTR) {
    }
    sandbox_.release(process_);
  }
}

Status ExecutionEnvironment::start() {
  // The Runtime API: inside the environment's own network namespace when the sandbox makes one
  // (only this runtime can reach it), else on a port of the host's loopback.
  std::string runtimeApi = std::string(kRuntimeApiHost) + ":" + std::to_string(kRuntimeApiPort);
  if (!sandbox_.runtimeApiInside()) {
    boost::system::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ApiError::lambda("ServiceException", 500, "cannot open the Runtime API port: " + ec.message());
    runtimeApi = "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  // Lambda's environment. User variables first; the reserved ones win.
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
  std::map<std::string, std::string> env = spec_.environment;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
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
  logStream_ = std::string(day) + "/[" + spec_.version + "]" + id_;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = logStream_;
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_REGION"] = region_;
  env["AWS_DEFAULT_REGION"] = region_;
  if (!spec_.runtime.starts_with("provided")) env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + spec_.runtime;
  if (!env.contains("TZ")) env["TZ"] = ":UTC";
  if (!env.contains("LANG")) env["LANG"] = "en_US.UTF-8";
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin:/opt/bin:/var/task/bin";
  env["LD_LIBRARY_PATH"] = "/var/task/lib:/opt/lib";
  env["NODE_PATH"] = "/opt/nodejs/node_modules:/var/runtime/node_modules:/var/task/node_modules";
  env["PYTHONUNBUFFERED"] = "1";
  env["PYTHONDONTWRITEBYTECODE"] = "1";
  std::vector<std::string> envList;
  for (auto& [k, v] : env) envList.push_back(k + "=" + v);

  LaunchSpec launch{id_, paths_.codeDir, paths_.runtimeDir, paths_.command, std::move(envList), spec_.memoryMb};
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
  if (process_.runtimeApiFd >= 0) {
    boost::system::error_code ec;
    acceptor_.assign(tcp::v4(), std::exchange(process_.runtimeApiFd, -1), ec);
    if (ec) {
      terminate();
      return ApiError::lambda("ServiceException", 500, "cannot take the Runtime API socket: " + ec.message());
    }
  }
  openPipes_ = 2;
  auto self = shared_from_this();
  asio::co_spawn(
      loop_, [self]() { return self->readOutput(self->stdout_); }, asio::detached);
  asio::co_spawn(
      loop_, [self]() { return self->readOutput(self->stderr_); }, asio::detached);
  asio::co_spawn(
      loop_, [self]() { return self->acceptLoop(); }, asio::detached);
  return Ok{};
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
    invocation->response = runtimeError("Runtime.ExitError", "RequestId: " + invocation->requestId +
                                                                 " Error: Runtime exited without providing a reason");
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
  auto remaining = current_->deadline - std::chrono::system_clock::now();
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
  if (std::chrono::system_clock::now() < current_->deadline) {  // armed for an earlier invocation
    armDeadline();
    return;
  }
  // Deadline passed: the environment is killed, as Lambda does.
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(spec_.timeoutSeconds));
  finish(Invocation::Outcome::kTimeout,
         runtimeError("Sandbox.Timedout",
                      "RequestId: " + current_->requestId + " Error: Task timed out after " + text + " seconds"),
         "Sandbox.Timedout");
  terminate();
}

void ExecutionEnvironment::finish(Invocation::Outcome outcome, std::string response, std::string errorType) {
  if (!current_ || current_->outcome != Invocation::Outcome::kPending) return;
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

void ExecutionEnvironment::terminate() {
  if (process_.pid > 0 && !exitStatus_) kill();
  dead_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
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
    std::string reason = exitDescription(*exitStatus_);
    if (!initErrorType_.empty()) {
      finish(Invocation::Outcome::kInitError, initError_, initErrorType_);
    } else {
      finish(Invocation::Outcome::kExited,
             runtimeError("Runtime.ExitError",
                          "RequestId: " + current_->requestId + " Error: Runtime exited with error: " + reason),
             "Runtime.ExitError");
    }
  }
  if (!wasDead) spdlog::debug("function {} environment {} exited ({})", spec_.name, id_, exitDescription(*exitStatus_));
}

void ExecutionEnvironment::onOutputLine(std::string_view line) {
  auto now = std::chrono::system_clock::now();
  logs_.append(spec_.name, logStream_, epochMs(now), std::string(line));
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

asio::awaitable<void> ExecutionEnvironment::acceptLoop() {
  auto self = shared_from_this();
  while (!dead_) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(loop_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> ExecutionEnvironment::serve(tcp::socket socket) {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  std::string heldAck;  // a 202 whose write waits for the answer to the request pipelined after it
  while (!dead_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    boost::system::error_code ec;
    co_await bhttp::async_read(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    bhttp::response<bhttp::string_body> res;
    bool keepAlive = true, terminateAfter = false;
    if (ec == bhttp::error::body_limit) {
      // Response too large: the invocation fails with Function.ResponseSizeTooLarge.
      // https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-response
      finish(Invocation::Outcome::kResponseTooLarge,
             runtimeError("Function.ResponseSizeTooLarge",
                          "Response payload size exceeded maximum allowed payload size (6291556 bytes)."),
             "Function.ResponseSizeTooLarge");
      res = jsonReply(bhttp::status::payload_too_large,
                      runtimeError("RequestEntityTooLarge", "Exceeded maximum allowed payload size (6291556 bytes)."));
      keepAlive = false;
    } else if (ec) {
      if (!heldAck.empty()) {  // the pipelined request was bad: the result's 202 still goes out
        auto ack = asio::buffer(heldAck);
        co_await asio::async_write(socket, ack, asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    } else {
      auto& req = parser.get();
      std::string_view target = req.target();
      std::string_view rest = target.starts_with(kPrefix) ? target.substr(kPrefix.size()) : std::string_view();
      if (req.method() == bhttp::verb::get && rest == "invocation/next") {
        // The newest GET /next is the runtime's: an older one still parked belongs to a connection
        // the runtime gave up (it asked again on a new one), and never takes an event.
        const std::uint64_t ticket = ++nextTicket_;
        // Nothing to run: the environment stops until there is (once it has served an invocation;
        // a fresh one about to be handed its first is never frozen).
        if (servedOne_ && freezer_.available() && idle()) {
          co_await asio::post(loop_, asio::use_awaitable);  // the last invocation's caller answers first
          if (idle() && ticket == nextTicket_ && !dead_) freezer_.freeze();
        }
        while (!dead_ && (!current_ || delivered_) && ticket == nextTicket_) {
          nextWaiter_.expires_at(asio::steady_timer::time_point::max());
          co_await nextWaiter_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (dead_ || ticket != nextTicket_) break;
        if (!initDurationMs_) {
          initDurationMs_ =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - spawnedAt_).count();
        }
        delivered_ = true;
        servedOne_ = true;
        res = jsonReply(bhttp::status::ok, current_->payload);
        res.set("Lambda-Runtime-Aws-Request-Id", current_->requestId);
        res.set("Lambda-Runtime-Deadline-Ms", std::to_string(epochMs(current_->deadline)));
        res.set("Lambda-Runtime-Invoked-Function-Arn", current_->invokedArn);
        res.set("Lambda-Runtime-Trace-Id", current_->traceId);
        if (!current_->clientContext.empty()) res.set("Lambda-Runtime-Client-Context", current_->clientContext);
      } else if (req.method() == bhttp::verb::post && rest.starts_with("invocation/")) {
        std::string_view tail = rest.substr(11);
        auto slash = tail.find('/');
        std::string_view id = tail.substr(0, slash);
        std::string_view action = slash == std::string_view::npos ? std::string_view() : tail.substr(slash + 1);
        if (action != "response" && action != "error") {
          res = jsonReply(bhttp::status::not_found, runtimeError("InvalidRequest", "Unknown Runtime API path"));
        } else if (!current_ || !delivered_ || current_->requestId != id) {
          res = jsonReply(bhttp::status::bad_request, runtimeError("InvalidRequestID", "Invalid request ID"));
        } else if (current_->outcome != Invocation::Outcome::kPending) {
          res = jsonReply(bhttp::status::forbidden,
                          runtimeError("InvalidStateTransition", "Invocation already has a result"));
        } else {
          if (action == "response") {
            finish(Invocation::Outcome::kSuccess, std::move(req.body()), "");
          } else {
            std::string type(req["Lambda-Runtime-Function-Error-Type"]);
            if (type.empty()) type = errorTypeOf(req.body());
            finish(Invocation::Outcome::kFunctionError, std::move(req.body()), type);
          }
          res = jsonReply(bhttp::status::accepted, R"({"status":"OK"})");
        }
      } else if (req.method() == bhttp::verb::post && rest == "init/error") {
        initErrorType_ = std::string(req["Lambda-Runtime-Function-Error-Type"]);
        if (initErrorType_.empty()) initErrorType_ = errorTypeOf(req.body());
        initError_ = req.body();
        if (initError_.empty()) initError_ = runtimeError(initErrorType_, "Init error");
        if (current_) finish(Invocation::Outcome::kInitError, initError_, initErrorType_);
        res = jsonReply(bhttp::status::accepted, R"({"status":"OK"})");
        terminateAfter = true;  // a failed init is never handed another invocation
      } else {
        res = jsonReply(bhttp::status::not_found, runtimeError("InvalidRequest", "Unknown Runtime API path"));
      }
      keepAlive = req.keep_alive();
    }
    res.keep_alive(keepAlive);
    if (res.result() == bhttp::status::accepted && keepAlive && !terminateAfter && heldAck.empty() &&
        holdsRequestHead(buffer)) {
      // The runtime sent its next request along with this one (pipelined): it reads this 202 only
      // on its way to that request's answer, so the two go out in one write and the runtime wakes
      // once per invocation instead of twice (once more for the 202 alone, on the same CPU as the
      // caller it would delay). Only a whole request head counts: stray or partial bytes might
      // never be followed by more, and the runtime would wait for its 202 for ever.
      heldAck = http::serializeHead(res) + res.body();
      continue;
    }
    if (!heldAck.empty()) {
      std::string out = std::move(heldAck);
      heldAck.clear();
      out += http::serializeHead(res);  // every reply is prepared by jsonReply (Content-Length set)
      out += res.body();
      auto both = asio::buffer(out);
      co_await asio::async_write(socket, both, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      if (!current_ || current_->outcome != Invocation::Outcome::kPending) {
        // The invocation just ended: let its caller answer first (the runtime's acknowledgement is
        // not on anybody's critical path; the client's response is).
        co_await asio::post(loop_, asio::use_awaitable);
      }
      co_await bhttp::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (terminateAfter) terminate();
    if (ec || !keepAlive) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace portico::functions
