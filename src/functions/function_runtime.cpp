#include "functions/function_runtime.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <random>

#include "common/base64.h"
#include "common/id_generator.h"
#include "common/json_util.h"
#include "functions/builtin_runtimes.h"
#include "functions/code_store.h"
#include "functions/execution_environment.h"
#include "functions/function_catalog.h"
#include "functions/function_logs.h"

namespace portico::functions {
namespace asio = boost::asio;
namespace bj = boost::json;
using Env = std::shared_ptr<ExecutionEnvironment>;

namespace {

constexpr std::size_t kMaxSyncPayload = 6291456;  // 6 MB
constexpr std::size_t kMaxEventPayload = 262144;  // 256 KB
constexpr std::string_view kAsyncKind = "async_invocation";

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

ApiError tooLarge(std::size_t limit) {
  return ApiError::lambda(
      "RequestEntityTooLargeException", 413,
      "Request must be smaller than " + std::to_string(limit) + " bytes for the InvokeFunction operation");
}

ApiError throttled(const char* reason) {
  ApiError e = ApiError::lambda("TooManyRequestsException", 429, "Rate Exceeded.");
  e.reason = reason;
  return e;
}

}  // namespace

/// An environment in the pool, and what the pool knows of it (guarded by Impl::mu). The
/// environment itself is only touched on its own loop.
struct Pooled {
  Env env;                           // null once retired (see Impl::retire)
  asio::io_context* loop = nullptr;  // where the environment lives: the loop that started it
  std::string key;                   // its pool: the configuration's FunctionSpec::poolKey
  bool busy = true;                  // running (or about to run) an invocation
  std::chrono::steady_clock::time_point lastUsed;
};
using Slot = std::shared_ptr<Pooled>;

/// What an invocation learnt from its environment, gathered on the environment's loop.
struct RunReport {
  bool ran = false;  // false: the environment had died before the invocation reached it
  std::optional<double> initMs;
  std::string stream;
  std::uint64_t memoryMb = 0;
  bool alive = false;
};

struct FunctionRuntime::Impl : std::enable_shared_from_this<FunctionRuntime::Impl> {
  asio::io_context& loop;  // the functions loop: Event invocations and the idle reaper
  FunctionCatalog& catalog;
  CodeStore& code;
  Sandbox& sandbox;
  FunctionLogs& logs;
  RuntimeOptions options;
  asio::steady_timer reaper{loop};
  std::atomic<bool> stopped = false;

  std::mutex mu;  // guards what follows: held for bookkeeping only, never across I/O
  IdGenerator ids;
  std::mt19937_64 rng{std::random_device{}()};
  std::map<std::string, std::vector<Slot>> pools;  // poolKey → environments
  std::map<std::string, int> inUse;                // function name → busy or starting environments
  int inUseUnreserved = 0;                         // of functions without reserved concurrency

  Impl(asio::io_context& l, FunctionCatalog& c, CodeStore& cs, Sandbox& s, FunctionLogs& lg, RuntimeOptions o)
      : loop(l), catalog(c), code(cs), sandbox(s), logs(lg), options(std::move(o)) {}

  /// An X-Ray trace header value. Call with mu held.
  std::string traceIdLocked() {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    char epoch[16];
    std::snprintf(epoch, sizeof epoch, "%08llx", static_cast<unsigned long long>(secs.count()));
    std::string hex = ids.uuid();
    std::erase(hex, '-');
    return "Root=1-" + std::string(epoch) + "-" + hex.substr(0, 24) + ";Parent=" + hex.substr(16, 16) + ";Sampled=0";
  }

  /// Resolves a reference; alias routing weights roll the shared engine's dice.
  Result<FunctionSpec> resolve(const FunctionRef& ref) {
    return catalog.resolve(ref, [this] {
      std::lock_guard lock(mu);
      return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    });
  }

  /// Ends an environment that left the pool. Its reference moves to its own loop, so it is
  /// terminated and destroyed there, whoever held the slot. Call with mu held.
  static void retire(Pooled& slot) {
    if (!slot.env) return;
    asio::post(*slot.loop, [env = std::move(slot.env)] { env->terminate(); });
  }

  /// Retires the idle environments of a pool for which `drop` holds. Call with mu held.
  template <class Drop>
  static void retireIdleLocked(std::vector<Slot>& pool, Drop drop) {
    std::erase_if(pool, [&](const Slot& s) {
      if (s->busy || !drop(*s)) return false;
      retire(*s);
      return true;
    });
  }

  /// Drops idle environments of this function that run an older configuration. Call with mu held.
  void dropStaleLocked(const FunctionSpec& spec) {
    std::string prefix = spec.name + ":" + spec.version + "#";
    for (auto it = pools.begin(); it != pools.end();) {
      if (it->first.starts_with(prefix) && it->first != spec.poolKey()) {
        retireIdleLocked(it->second, [](const Pooled&) { return true; });
        if (it->second.empty()) {
          it = pools.erase(it);
          continue;
        }
      }
      ++it;
    }
  }

  /// Takes an idle environment for this configuration, if there is one: preferably one on the
  /// caller's loop (no thread hand-off), then the most recently used (the warmest caches).
  /// Call with mu held.
  Slot takeIdleLocked(const std::string& key, const asio::io_context* here) {
    auto it = pools.find(key);
    if (it == pools.end()) return nullptr;
    retireIdleLocked(it->second, [](const Pooled& s) { return !s.env->alive(); });
    Slot best;
    for (auto& s : it->second) {
      if (s->busy) continue;
      bool local = s->loop == here, bestLocal = best && best->loop == here;
      if (!best || (local && !bestLocal) || (local == bestLocal && s->lastUsed > best->lastUsed)) best = s;
    }
    if (best) best->busy = true;
    return best;
  }

  /// Removes a slot from its pool and retires its environment. Call with mu held.
  void dropLocked(const Slot& slot) {
    auto it = pools.find(slot->key);
    if (it != pools.end()) std::erase(it->second, slot);
    retire(*slot);
  }

  /// Starts a new environment on the caller's loop and pools it, busy. Refused once shutting down.
  Result<Slot> startEnvironment(const FunctionSpec& spec, asio::io_context& here) {
    if (stopped) return ApiError::lambda("ServiceException", 503, "Portico is shutting down");
    auto dir = code.unpacked(spec.codeHex);
    if (!dir) return dir.takeError();
    auto command = runtimeCommand(spec.runtime);
    if (!command) {
      return ApiError::lambda("InvalidRuntimeException", 502,
                              "The runtime parameter of " + spec.runtime + " is not supported by Portico");
    }
    std::string id;
    {
      std::lock_guard lock(mu);
      id = ids.alnum(32);
    }
    EnvironmentPaths paths{*dir, options.runtimeDir, *command};
    auto env =
        std::make_shared<ExecutionEnvironment>(here, sandbox, logs, spec, std::move(paths), id, catalog.region());
    if (auto st = env->start(); !st) return st.takeError();
    auto slot = std::make_shared<Pooled>(Pooled{env, &here, spec.poolKey(), true, std::chrono::steady_clock::now()});
    std::lock_guard lock(mu);
    pools[slot->key].push_back(slot);
    return slot;
  }

  /// Runs the invocation on the environment's loop and reads what the log's REPORT needs.
  static asio::awaitable<RunReport> runOn(Env env, std::shared_ptr<Invocation> invocation) {
    RunReport report;
    if (!env->alive()) co_return report;  // it died idle, after the pool handed it out
    co_await env->run(invocation);
    report.ran = true;
    report.initMs = env->takeInitDurationMs();
    report.stream = env->logStream();
    report.memoryMb = env->peakMemoryMb();
    report.alive = env->alive();
    co_return report;
  }

  /// Runs one synchronous invocation; `here` is the caller's loop, where a new environment starts.
  asio::awaitable<Result<InvokeResult>> runSync(FunctionSpec spec, std::string payload, std::string clientContext,
                                                bool tail, asio::io_context& here) {
    auto self = shared_from_this();
    // A reservation is the function's own (guaranteed) limit; the others share the unreserved pool.
    const bool reserved = spec.reservedConcurrency.has_value();
    auto invocation = std::make_shared<Invocation>();
    Slot idle;
    {
      std::lock_guard lock(mu);
      dropStaleLocked(spec);
      if (reserved && inUse[spec.name] >= *spec.reservedConcurrency) {
        co_return throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
      }
      if (!reserved && options.account && inUseUnreserved >= options.account->unreserved()) {
        co_return throttled("ConcurrentInvocationLimitExceeded");
      }
      ++inUse[spec.name];
      if (!reserved) ++inUseUnreserved;
      invocation->requestId = ids.uuid();
      invocation->traceId = traceIdLocked();
      idle = takeIdleLocked(spec.poolKey(), &here);
    }
    struct Release {
      Impl& impl;
      std::string name;
      bool unreserved;
      Slot slot;
      std::optional<bool> alive;  // known once the invocation ran
      ~Release() {
        std::lock_guard lock(impl.mu);
        --impl.inUse[name];
        if (unreserved) --impl.inUseUnreserved;
        if (!slot) return;
        slot->busy = false;
        slot->lastUsed = std::chrono::steady_clock::now();
        if (alive && !*alive) impl.dropLocked(slot);
      }
    } release{*this, spec.name, !reserved, std::move(idle), std::nullopt};
    Slot& slot = release.slot;  // the environment this invocation holds (busy), if any

    invocation->payload = payload.empty() ? "{}" : std::move(payload);
    invocation->invokedArn = spec.invokedArn;
    invocation->clientContext = std::move(clientContext);
    auto started = std::chrono::system_clock::now();
    invocation->deadline = started + std::chrono::seconds(spec.timeoutSeconds);

    RunReport ran;
    if (!slot && spec.runtime.starts_with("provided") && !spec.codeHex.empty()) {
      auto dir = code.unpacked(spec.codeHex);
      if (dir && !std::filesystem::exists(*dir / "bootstrap")) {
        invocation->outcome = Invocation::Outcome::kInitError;
        invocation->errorType = "Runtime.InvalidEntrypoint";
        bj::object err{{"errorType", "Runtime.InvalidEntrypoint"},
                       {"errorMessage", "RequestId: " + invocation->requestId +
                                            " Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap "
                                            "/opt/bootstrap]"}};
        invocation->response = bj::serialize(err);
      }
    }
    while (invocation->outcome == Invocation::Outcome::kPending) {
      if (!slot) {
        auto fresh = startEnvironment(spec, here);
        if (!fresh) co_return fresh.takeError();
        slot = *fresh;
      }
      // The slot is ours (busy): nobody retires it meanwhile. The environment's reference goes
      // into runOn's frame, which ends on the environment's loop.
      auto run = runOn(slot->env, invocation);
      if (slot->loop == &here) {
        ran = co_await std::move(run);
      } else {  // an idle environment on another loop: hand the invocation over there
        auto handOver = asio::co_spawn(*slot->loop, std::move(run), asio::use_awaitable);
        ran = co_await std::move(handOver);
      }
      if (ran.ran) {
        release.alive = ran.alive;
        break;
      }
      // It died while idle, after the pool handed it out: drop it and start a fresh one.
      {
        std::lock_guard lock(mu);
        dropLocked(slot);
      }
      slot = nullptr;
    }
    double durationMs = std::chrono::duration<double, std::milli>(std::chrono::system_clock::now() - started).count();

    // The log as Lambda frames it. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
    std::string start = "START RequestId: " + invocation->requestId + " Version: " + spec.version;
    std::string end = "END RequestId: " + invocation->requestId;
    char report[256];
    std::snprintf(report, sizeof report,
                  "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %lld ms\tMemory Size: %d MB\tMax "
                  "Memory Used: %llu MB\t",
                  invocation->requestId.c_str(), durationMs, static_cast<long long>(std::ceil(durationMs)),
                  spec.memoryMb, static_cast<unsigned long long>(ran.memoryMb));
    std::string reportLine = report;
    if (ran.initMs) {
      char init[64];
      std::snprintf(init, sizeof init, "Init Duration: %.2f ms\t", *ran.initMs);
      reportLine += init;
    }
    std::int64_t now = epochMs(std::chrono::system_clock::now());
    const std::string& stream = ran.stream;
    logs.append(spec.name, stream, epochMs(started), start);
    if (invocation->outcome == Invocation::Outcome::kTimeout || invocation->outcome == Invocation::Outcome::kExited) {
      // Lambda logs the platform's verdict too.
      bj::value err = bj::parse(invocation->response);
      logs.append(spec.name, stream, now, std::string(err.as_object()["errorMessage"].as_string()));
    }
    logs.append(spec.name, stream, now, end);
    logs.append(spec.name, stream, now, reportLine);

    InvokeResult result;
    result.status = 200;
    result.executedVersion = spec.version;
    result.payload = std::move(invocation->response);
    if (invocation->outcome != Invocation::Outcome::kSuccess) result.functionError = "Unhandled";
    if (tail) result.logTail = start + "\n" + invocation->log + end + "\n" + reportLine + "\n";
    co_return result;
  }

  /// Decodes X-Amz-Client-Context (base64 JSON) for the runtime.
  static Result<std::string> decodeClientContext(const std::string& b64) {
    if (b64.empty()) return std::string();
    auto decoded = base64Decode(b64);
    if (!decoded || !json::parseObject(*decoded)) {
      return ApiError::lambda("InvalidRequestContentException", 400,
                              "Client context must be a valid Base64-encoded JSON object.");
    }
    return std::move(*decoded);
  }

  /// An invocation on the caller's loop `here` (see runSync).
  asio::awaitable<Result<InvokeResult>> invokeOn(InvokeRequest req, asio::io_context& here) {
    auto self = shared_from_this();
    auto ref = catalog.parseRef(req.function, req.qualifier);
    if (!ref) co_return ref.takeError();
    auto spec = resolve(*ref);
    if (!spec) co_return spec.takeError();
    if (!req.payload.empty()) {
      boost::system::error_code ec;
      bj::parse(req.payload, ec);
      if (ec) {
        co_return ApiError::lambda(
            "InvalidRequestContentException", 400,
            "Could not parse request body into json: Could not parse payload into json: " + ec.message());
      }
    }
    auto context = decodeClientContext(req.clientContext);
    if (!context) co_return context.takeError();
    if (req.type == InvocationType::kDryRun) {
      InvokeResult r;
      r.status = 204;
      r.executedVersion = spec->version;
      co_return r;
    }
    if (req.type == InvocationType::kEvent) {
      enqueueEvent(*ref, req.payload, req.clientContext);
      InvokeResult r;
      r.status = 202;
      co_return r;
    }
    FunctionSpec resolved = std::move(spec).value();
    std::string decoded = std::move(*context);
    auto result = co_await runSync(std::move(resolved), std::move(req.payload), std::move(decoded), req.tailLog, here);
    co_return result;
  }

  // ---- Event invocations: kept in the store until done, so they survive a restart.
  void enqueueEvent(const FunctionRef& ref, const std::string& payload, const std::string& clientContext) {
    std::string id;
    {
      std::lock_guard lock(mu);
      id = ids.uuid();
    }
    bj::object doc{{"function", ref.name}, {"qualifier", ref.qualifier},
                   {"payload", payload},   {"clientContext", clientContext},
                   {"attempt", 0},         {"notBefore", 0}};
    catalog.store().put(store::Document{std::string(kAsyncKind), "", id, bj::serialize(doc), 0});
    asio::co_spawn(loop, runEvent(id, std::move(doc)), asio::detached);
  }

  asio::awaitable<void> runEvent(std::string id, bj::object doc) {
    auto self = shared_from_this();
    asio::steady_timer timer(loop);
    std::int64_t notBefore = doc["notBefore"].is_int64() ? doc["notBefore"].as_int64() : 0;
    std::int64_t wait = notBefore - epochMs(std::chrono::system_clock::now());
    if (wait > 0) {
      timer.expires_after(std::chrono::milliseconds(wait));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    while (!stopped) {
      FunctionRef ref{json::strOr(doc, "function", ""), json::strOr(doc, "qualifier", "")};
      auto spec = resolve(ref);
      if (!spec) {
        spdlog::warn("async invocation {} dropped: {}", id, spec.error().message);
        break;
      }
      auto context = decodeClientContext(json::strOr(doc, "clientContext", ""));
      // Arguments as named locals: GCC 12 mishandles temporaries (and ?:) inside co_await.
      std::string payload = json::strOr(doc, "payload", "");
      std::string decoded;
      if (context) decoded = *context;
      FunctionSpec resolved = std::move(spec).value();
      auto result = co_await runSync(std::move(resolved), std::move(payload), std::move(decoded), false, loop);
      if (stopped) co_return;  // keep the record: it runs again after the restart
      std::chrono::milliseconds delay{0};
      if (!result && result.error().status == 429) {
        delay = std::chrono::milliseconds(1000);  // throttled: retried without counting an attempt
      } else if (result && result->functionError.empty()) {
        break;
      } else {
        std::int64_t attempt = doc["attempt"].is_int64() ? doc["attempt"].as_int64() : 0;
        if (attempt >= 2) {
          spdlog::warn("async invocation {} of {} failed after 3 attempts", id, ref.name);
          break;
        }
        doc["attempt"] = attempt + 1;
        delay = attempt == 0 ? options.firstRetryDelay : options.secondRetryDelay;
      }
      doc["notBefore"] = epochMs(std::chrono::system_clock::now()) + delay.count();
      catalog.store().put(store::Document{std::string(kAsyncKind), "", id, bj::serialize(doc), 0});
      timer.expires_after(delay);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    catalog.store().remove(kAsyncKind, "", id);
  }

  void resumeQueuedEvents() {
    std::size_t n = 0;
    for (auto& d : catalog.store().list(kAsyncKind, "")) {
      if (auto doc = json::parseObject(d.body)) {
        asio::co_spawn(loop, runEvent(d.id, std::move(*doc)), asio::detached);
        ++n;
      }
    }
    if (n) spdlog::info("resuming {} queued Event invocation(s)", n);
  }

  asio::awaitable<void> reapLoop() {
    auto self = shared_from_this();
    while (!stopped) {
      reaper.expires_after(std::chrono::seconds(1));
      boost::system::error_code ec;
      co_await reaper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      auto cutoff = std::chrono::steady_clock::now() - options.idleTimeout;
      std::lock_guard lock(mu);
      for (auto it = pools.begin(); it != pools.end();) {
        retireIdleLocked(it->second, [&](const Pooled& s) { return !s.env->alive() || s.lastUsed < cutoff; });
        it = it->second.empty() ? pools.erase(it) : std::next(it);
      }
    }
  }
};

FunctionRuntime::FunctionRuntime(asio::io_context& loop, FunctionCatalog& catalog, CodeStore& code, Sandbox& sandbox,
                                 FunctionLogs& logs, RuntimeOptions options)
    : impl_(std::make_shared<Impl>(loop, catalog, code, sandbox, logs, std::move(options))) {}

FunctionRuntime::~FunctionRuntime() {
  shutdown();
}

void FunctionRuntime::start() {
  asio::co_spawn(impl_->loop, impl_->reapLoop(), asio::detached);
  asio::post(impl_->loop, [impl = impl_] { impl->resumeQueuedEvents(); });
}

void FunctionRuntime::shutdown() {
  impl_->stopped = true;
  std::lock_guard lock(impl_->mu);
  for (auto& [key, slots] : impl_->pools) {
    for (auto& s : slots) {
      if (s->env) s->env->terminate();
    }
  }
  impl_->pools.clear();
}

asio::awaitable<Result<InvokeResult>> FunctionRuntime::invoke(InvokeRequest request) {
  std::size_t limit = request.type == InvocationType::kEvent ? kMaxEventPayload : kMaxSyncPayload;
  if (request.payload.size() > limit) co_return tooLarge(limit);
  // Served on the caller's loop: a warm environment there answers with no thread hand-off.
  auto executor = co_await asio::this_coro::executor;
  if (auto* onIoContext = executor.target<asio::io_context::executor_type>()) {
    asio::io_context& here = onIoContext->context();
    auto result = co_await impl_->invokeOn(std::move(request), here);
    co_return result;
  }
  // Any other executor: hop onto the functions loop; the result comes back on the caller's.
  // (co_spawn needs a default-constructible result, hence the optional.)
  auto onLoop = [](std::shared_ptr<Impl> impl,
                   InvokeRequest req) -> asio::awaitable<std::optional<Result<InvokeResult>>> {
    co_return co_await impl->invokeOn(std::move(req), impl->loop);
  };
  auto hop = asio::co_spawn(impl_->loop, onLoop(impl_, std::move(request)), asio::use_awaitable);
  auto result = co_await std::move(hop);
  co_return std::move(*result);
}

}  // namespace portico::functions
