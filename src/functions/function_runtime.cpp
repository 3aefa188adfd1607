#include "functions/function_runtime.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <random>

#include "common/base64.h"
#include "common/clock.h"
#include "common/id_generator.h"
#include "common/json_util.h"
#include "functions/async_invoke_queue.h"
#include "functions/builtin_runtimes.h"
#include "functions/code_store.h"
#include "functions/environment_tmp.h"
#include "functions/execution_environment.h"
#include "functions/function_catalog.h"
#include "functions/function_logs.h"
#include "functions/warm_pool.h"
#include "metrics/families.h"
#include "metrics/metrics_registry.h"

namespace portico::functions {
namespace asio = boost::asio;
namespace bj = boost::json;
using Env = std::shared_ptr<ExecutionEnvironment>;

namespace {

constexpr std::size_t kMaxSyncPayload = 6291456;  // 6 MB
constexpr std::size_t kMaxEventPayload = 262144;  // 256 KB

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

ApiError tooLarge(std::size_t limit) {
  return ApiError::lambda(
      "RequestEntityTooLargeException", 413,
      "Request must be smaller than " + std::to_string(limit) + " bytes for the InvokeFunction operation");
}

/// Decodes X-Amz-Client-Context (base64 JSON) for the runtime.
Result<std::string> decodeClientContext(const std::string& b64) {
  if (b64.empty()) return std::string();
  auto decoded = base64Decode(b64);
  if (!decoded || !json::parseObject(*decoded)) {
    return ApiError::lambda("InvalidRequestContentException", 400,
                            "Client context must be a valid Base64-encoded JSON object.");
  }
  return std::move(*decoded);
}

/// What an invocation learnt from its environment, gathered on the environment's loop.
struct RunReport {
  bool ran = false;  // false: the environment had died before the invocation reached it
  std::optional<double> initMs;
  std::string stream;
  std::uint64_t memoryMb = 0;
  bool alive = false;  // the environment can serve the next invocation (restarted, if it timed out)
  Env restarted;       // after a timeout: the runtime that takes the killed one's place
};

/// Runs the invocation on the environment's loop and reads what the log's REPORT needs. A
/// timeout resets the execution environment, as on Lambda: its runtime is restarted (unless
/// Portico is `stopping`), with /tmp as it was ("Failures during the invoke phase" in
/// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle).
asio::awaitable<RunReport> runOn(Env env, std::shared_ptr<Invocation> invocation, const std::atomic<bool>& stopping) {
  RunReport report;
  if (!env->alive()) co_return report;  // it died idle, after the pool handed it out
  co_await env->run(invocation);
  report.ran = true;
  report.initMs = env->takeInitDurationMs();
  report.stream = env->logStream();
  report.memoryMb = env->peakMemoryMb();
  report.alive = env->alive();
  if (invocation->outcome == Invocation::Outcome::kTimeout && !stopping) {
    report.restarted = env->restart();
    report.alive = report.restarted != nullptr;
  }
  co_return report;
}

/// Lambda's Resource dimension: "function:qualifier" as invoked, "" for an unqualified invocation.
std::string metricResource(const FunctionSpec& spec) {
  std::size_t colons = 0, at = std::string::npos;
  for (std::size_t i = 0; i < spec.invokedArn.size(); ++i) {
    if (spec.invokedArn[i] == ':' && ++colons == 7) at = i;
  }
  return at == std::string::npos ? std::string() : spec.name + spec.invokedArn.substr(at);
}

/// A custom runtime's function without a bootstrap fails its init, as on Lambda, without an
/// environment being started for it.
bool failsWithoutBootstrap(CodeStore& code, const FunctionSpec& spec, Invocation& invocation) {
  if (!spec.runtime.starts_with("provided") || spec.codeHex.empty()) return false;
  auto dir = code.unpacked(spec.codeHex);
  if (!dir || std::filesystem::exists(*dir / "bootstrap")) return false;
  if (!spec.layerHexes.empty()) {  // a layer may bring the runtime (/opt/bootstrap)
    auto opt = code.layered(spec.layerHexes);
    if (!opt || std::filesystem::exists(*opt / "bootstrap")) return false;
  }
  invocation.outcome = Invocation::Outcome::kInitError;
  invocation.errorType = "Runtime.InvalidEntrypoint";
  bj::object err{{"errorType", "Runtime.InvalidEntrypoint"},
                 {"errorMessage", "RequestId: " + invocation.requestId +
                                      " Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap "
                                      "/opt/bootstrap]"}};
  invocation.response = bj::serialize(err);
  return true;
}

}  // namespace

struct FunctionRuntime::Impl : std::enable_shared_from_this<FunctionRuntime::Impl> {
  asio::io_context& loop;  // the functions loop: Event invocations and the idle reaper
  FunctionCatalog& catalog;
  CodeStore& code;
  Sandbox& sandbox;
  FunctionLogs& logs;
  const Clock& clock;
  RuntimeOptions options;
  WarmPool pool;
  std::shared_ptr<AsyncInvokeQueue> events;
  asio::steady_timer reaper{loop};
  std::atomic<bool> stopped = false;

  std::mutex mu;  // guards the random sources, for bookkeeping only
  IdGenerator ids;
  std::mt19937_64 rng{std::random_device{}()};

  Impl(asio::io_context& l, FunctionCatalog& c, CodeStore& cs, Sandbox& s, FunctionLogs& lg, const Clock& ck,
       RuntimeOptions o)
      : loop(l), catalog(c), code(cs), sandbox(s), logs(lg), clock(ck), options(std::move(o)), pool(options.account) {}

  /// The invocation's series (function, resource, executed version), null when nothing counts.
  std::shared_ptr<metrics::MetricSeries> seriesOf(const FunctionSpec& spec) const {
    if (!options.metrics) return nullptr;
    return options.metrics->series(metrics::lambdaFamily(), {spec.name, metricResource(spec), spec.version});
  }

  /// The Event queue's attempts run here; it outlives no runtime (the reference is weak).
  void makeEventQueue() {
    std::weak_ptr<Impl> weak = weak_from_this();
    events = std::make_shared<AsyncInvokeQueue>(
        loop, catalog.store(), clock, RetryDelays{options.firstRetryDelay, options.secondRetryDelay},
        [weak](QueuedEvent event) { return attemptEvent(weak, std::move(event)); });
  }

  /// (A coroutine of its own, not a capturing lambda's: its frame holds its arguments.)
  static asio::awaitable<AttemptResult> attemptEvent(std::weak_ptr<Impl> weak, QueuedEvent event) {
    auto self = weak.lock();
    if (!self || self->stopped) co_return AttemptResult{AttemptOutcome::kStopping};
    auto attempt = self->runEventAttempt(std::move(event));
    co_return co_await std::move(attempt);
  }

  /// An X-Ray trace header value. Call with mu held.
  std::string traceIdLocked() {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch());
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

  /// Starts a new environment on the caller's loop. Refused once shutting down.
  Result<Env> startEnvironment(const FunctionSpec& spec, asio::io_context& here, bool provisioned = false) {
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
    std::filesystem::path optDir;
    if (!spec.layerHexes.empty()) {
      auto opt = code.layered(spec.layerHexes);
      if (!opt) return opt.takeError();
      optDir = *opt;
      // A custom runtime without its own bootstrap runs the one a layer brings, as Lambda does.
      if (spec.runtime.starts_with("provided") && !std::filesystem::exists(*dir / "bootstrap") &&
          std::filesystem::exists(optDir / "bootstrap")) {
        command = std::vector<std::string>{"/opt/bootstrap"};
      }
    }
    EnvironmentPaths paths{*dir, options.runtimeDir, *command,
                           sandbox.makeTmp(id, environmentTmpBytes(static_cast<std::uint64_t>(spec.memoryMb))),
                           std::move(optDir)};
    auto env = std::make_shared<ExecutionEnvironment>(here, sandbox, logs, clock, spec, std::move(paths), id,
                                                      catalog.region(), options.grants);
    if (provisioned) env->markProvisioned();
    if (auto st = env->start(); !st) return st.takeError();
    return env;
  }

  // -- provisioned concurrency (provisioner.h)
  struct ProvisionTarget {
    int requested = 0;
    std::string poolKey;  // the configuration its environments run
    std::vector<WarmPool::Slot> slots;
    std::string failure;
  };
  using TargetKey = std::pair<std::string, std::string>;  // (function, qualifier)
  mutable std::mutex provisionMu;                         // guards targets (taken before the pool's)
  std::map<TargetKey, ProvisionTarget> targets;
  static constexpr int kStartsPerTick = 8;  // environments started per pass (the loop serves events too)

  /// Brings every target to its count: forgets environments that died or were retired, follows an
  /// alias to its new version, starts what is missing (a few per pass), lets go of extras. On `loop`.
  void maintainProvisioned() {
    std::vector<TargetKey> keys;
    {
      std::lock_guard lock(provisionMu);
      for (const auto& [key, target] : targets) keys.push_back(key);
    }
    int budget = kStartsPerTick;
    for (const auto& key : keys) {
      // An alias with routing weights is provisioned on its primary version (the dice always
      // land past every weight): the target stays put instead of flipping each pass.
      auto spec = catalog.resolve(FunctionRef{key.first, key.second}, [] { return 1.0; });
      int missing = 0;
      {
        std::lock_guard lock(provisionMu);
        auto it = targets.find(key);
        if (it == targets.end()) continue;
        ProvisionTarget& target = it->second;
        if (!spec) {
          target.failure = spec.error().message;
          continue;
        }
        if (target.poolKey != spec->poolKey()) {  // a new version behind the alias: start over
          for (const auto& slot : target.slots) pool.unprovision(slot);
          target.slots.clear();
          target.poolKey = spec->poolKey();
        }
        std::erase_if(target.slots, [this](const WarmPool::Slot& slot) { return !pool.pooled(slot); });
        while (static_cast<int>(target.slots.size()) > target.requested) {
          pool.unprovision(target.slots.back());
          target.slots.pop_back();
        }
        missing = std::min(budget, target.requested - static_cast<int>(target.slots.size()));
      }
      for (int i = 0; i < missing && !stopped; ++i, --budget) {
        auto env = startEnvironment(*spec, loop, true);
        std::lock_guard lock(provisionMu);
        auto it = targets.find(key);
        if (!env) {
          if (it != targets.end()) it->second.failure = env.error().message;
          break;
        }
        auto slot = pool.addProvisioned(std::move(env).value(), loop, spec->poolKey());
        if (it == targets.end() || it->second.poolKey != spec->poolKey()) {
          pool.unprovision(slot);  // ended (or moved on) meanwhile: it idles out
          break;
        }
        it->second.failure.clear();
        it->second.slots.push_back(std::move(slot));
      }
    }
  }

  /// Runs the invocation in the lease's environment, or in a fresh one on `here` when it has
  /// none or its own died idle before the invocation reached it.
  asio::awaitable<Result<RunReport>> runInPool(WarmPool::Lease& lease, const FunctionSpec& spec,
                                               std::shared_ptr<Invocation> invocation, asio::io_context& here) {
    while (true) {
      if (!lease.slot()) {
        auto fresh = startEnvironment(spec, here);
        if (!fresh) co_return fresh.takeError();
        lease.adopt(std::move(fresh).value(), here, spec.poolKey());
      }
      // The slot is ours (busy): nobody retires it meanwhile. The environment's reference goes
      // into runOn's frame, which ends on the environment's loop.
      const auto& slot = lease.slot();
      auto run = runOn(slot->env, invocation, stopped);
      RunReport ran;
      if (slot->loop == &here) {
        ran = co_await std::move(run);
      } else {  // an idle environment on another loop: hand the invocation over there
        auto handOver = asio::co_spawn(*slot->loop, std::move(run), asio::use_awaitable);
        ran = co_await std::move(handOver);
      }
      if (ran.ran) {
        if (ran.restarted) lease.replace(std::move(ran.restarted));  // the same environment, reset
        lease.setAlive(ran.alive);
        co_return ran;
      }
      lease.dropDead();  // it died while idle, after the pool handed it out: start a fresh one
    }
  }

  /// Runs one synchronous invocation; `here` is the caller's loop, where a new environment starts.
  /// `requestId`: the invocation's (a queued Event's); "" for a new one.
  asio::awaitable<Result<InvokeResult>> runSync(FunctionSpec spec, std::string payload, std::string clientContext,
                                                bool tail, asio::io_context& here, std::string requestId = {},
                                                std::shared_ptr<ResponseStream> stream = nullptr) {
    auto self = shared_from_this();
    auto admitted = pool.admit(spec, &here, clock.now());
    auto series = seriesOf(spec);
    if (!admitted) {
      if (series && admitted.error().status == 429) series->add(metrics::kThrottles);
      co_return admitted.takeError();
    }
    WarmPool::Lease lease = std::move(admitted).value();
    const bool cold = !lease.slot();  // no idle environment: this invocation starts one
    auto invocation = std::make_shared<Invocation>();
    {
      std::lock_guard lock(mu);
      invocation->requestId = requestId.empty() ? ids.uuid() : std::move(requestId);
      invocation->traceId = traceIdLocked();
    }
    invocation->payload = payload.empty() ? "{}" : std::move(payload);
    invocation->invokedArn = spec.invokedArn;
    invocation->clientContext = std::move(clientContext);
    if (stream) stream->setExecutedVersion(spec.version);
    invocation->stream = std::move(stream);
    auto started = clock.now();
    invocation->deadline = started + std::chrono::seconds(spec.timeoutSeconds);

    RunReport ran;
    if (lease.slot() || !failsWithoutBootstrap(code, spec, *invocation)) {
      auto run = co_await runInPool(lease, spec, invocation, here);
      if (!run) co_return run.takeError();
      ran = std::move(run).value();
    }
    auto ended = clock.now();
    if (series) {
      series->add(metrics::kInvocations);
      if (invocation->outcome != Invocation::Outcome::kSuccess) series->add(metrics::kErrors);
      if (cold) series->add(metrics::kColdStarts);
      const auto took = std::chrono::duration_cast<std::chrono::microseconds>(ended - started).count();
      series->observe(metrics::kDuration, static_cast<std::uint64_t>(std::max<std::int64_t>(0, took)));
      series->observe(metrics::kConcurrentExecutions, static_cast<std::uint64_t>(lease.concurrency()));
    }
    InvocationFrame frame = frameInvocation({invocation->requestId, spec.version,
                                             std::chrono::duration<double, std::milli>(ended - started).count(),
                                             spec.memoryMb, ran.memoryMb, ran.initMs});
    std::string verdict;  // Lambda logs the platform's verdict on a timeout or a crash too
    if (invocation->outcome == Invocation::Outcome::kTimeout || invocation->outcome == Invocation::Outcome::kExited) {
      verdict = json::strOr(bj::parse(invocation->response).as_object(), "errorMessage", "");
    }
    logs.appendFrame(spec.name, ran.stream, epochMs(started), epochMs(ended), frame, verdict);

    InvokeResult result;
    result.status = 200;
    result.executedVersion = spec.version;
    result.requestId = invocation->requestId;
    result.payload = std::move(invocation->response);
    if (invocation->outcome != Invocation::Outcome::kSuccess) result.functionError = "Unhandled";
    if (tail) result.logTail = frame.start + "\n" + invocation->log + frame.end + "\n" + frame.report + "\n";
    co_return result;
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
      // A function that may run nothing (reserved concurrency 0) refuses the event at once, with
      // the 429 its synchronous invocations get, rather than queueing it.
      if (auto refused = WarmPool::refusesEvery(*spec)) co_return std::move(*refused);
      if (auto series = seriesOf(*spec)) series->add(metrics::kAsyncEventsReceived);
      InvokeResult r;
      r.status = 202;
      r.requestId = events->enqueue(*ref, req.payload, req.clientContext);  // what the invocation runs with
      co_return r;
    }
    FunctionSpec resolved = std::move(spec).value();
    std::string decoded = std::move(*context);
    auto result = co_await runSync(std::move(resolved), std::move(req.payload), std::move(decoded), req.tailLog, here,
                                   std::string(), std::move(req.stream));
    co_return result;
  }

  /// One attempt of a queued Event invocation, on the functions loop.
  asio::awaitable<AttemptResult> runEventAttempt(QueuedEvent event) {
    auto self = shared_from_this();
    auto spec = resolve(event.function);
    if (!spec) {
      spdlog::warn("async invocation of {} dropped: {}", event.function.name, spec.error().message);
      co_return AttemptResult{AttemptOutcome::kDone};
    }
    if (auto series = seriesOf(*spec); series && event.enqueuedAtMs > 0) {
      const std::int64_t ageMs = epochMs(clock.now()) - event.enqueuedAtMs;
      series->observe(metrics::kAsyncEventAge, static_cast<std::uint64_t>(std::max<std::int64_t>(0, ageMs)) * 1000);
    }
    AttemptResult out;
    out.policy = spec->eventInvoke;
    out.functionArn = spec->invokedArn;
    out.executedVersion = spec->version;
    auto context = decodeClientContext(event.clientContext);
    // Arguments as named locals: GCC 12 mishandles temporaries (and ?:) inside co_await.
    std::string decoded;
    if (context) decoded = *context;
    FunctionSpec resolved = std::move(spec).value();
    auto result = co_await runSync(std::move(resolved), std::move(event.payload), std::move(decoded), false, loop,
                                   std::move(event.requestId));
    if (stopped) {
      out.outcome = AttemptOutcome::kStopping;
    } else if (!result && result.error().status == 429) {
      out.outcome = AttemptOutcome::kThrottled;
    } else if (result) {
      out.ran = true;
      out.response = result->payload;
      out.functionError = result->functionError;
      out.outcome = result->functionError.empty() ? AttemptOutcome::kDone : AttemptOutcome::kFailed;
    } else {
      out.outcome = AttemptOutcome::kFailed;  // a start-up error
      out.functionError = "Unhandled";
    }
    co_return out;
  }

  asio::awaitable<void> reapLoop() {
    auto self = shared_from_this();
    while (!stopped) {
      reaper.expires_after(std::chrono::seconds(1));
      boost::system::error_code ec;
      co_await reaper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      pool.reapIdle(std::chrono::steady_clock::now() - options.idleTimeout);
      maintainProvisioned();
    }
  }
};

FunctionRuntime::FunctionRuntime(asio::io_context& loop, FunctionCatalog& catalog, CodeStore& code, Sandbox& sandbox,
                                 FunctionLogs& logs, const Clock& clock, RuntimeOptions options)
    : impl_(std::make_shared<Impl>(loop, catalog, code, sandbox, logs, clock, std::move(options))) {
  impl_->makeEventQueue();
}

FunctionRuntime::~FunctionRuntime() {
  shutdown();
}

void FunctionRuntime::start() {
  if (impl_->options.metrics) {
    // Read at each scrape; the runtime may be gone by then (the registry outlives it).
    impl_->options.metrics->addGauges([weak = std::weak_ptr<Impl>(impl_)](std::vector<prometheus::MetricFamily>& out) {
      auto self = weak.lock();
      if (!self) return;
      prometheus::MetricFamily running{"portico_lambda_concurrent_executions",
                                       "Executions running or starting now, per function.",
                                       prometheus::MetricType::Gauge,
                                       {}};
      for (const auto& [name, n] : self->pool.running()) {
        prometheus::ClientMetric m;
        m.label = {{"function_name", name}};
        m.gauge.value = n;
        running.metric.push_back(std::move(m));
      }
      out.push_back(std::move(running));
      prometheus::MetricFamily depth{"portico_lambda_async_queue_depth",
                                     "Events queued for asynchronous invocation, or being attempted.",
                                     prometheus::MetricType::Gauge,
                                     {}};
      prometheus::ClientMetric m;
      m.gauge.value = self->events->depth();
      depth.metric.push_back(std::move(m));
      out.push_back(std::move(depth));
    });
  }
  asio::co_spawn(impl_->loop, impl_->reapLoop(), asio::detached);
  asio::post(impl_->loop, [events = impl_->events] { events->resume(); });
}

void FunctionRuntime::shutdown() {
  impl_->stopped = true;
  impl_->events->stop();
  impl_->pool.killAll();
}

void FunctionRuntime::provision(const std::string& function, const std::string& qualifier, int count) {
  {
    std::lock_guard lock(impl_->provisionMu);
    auto it = impl_->targets.find({function, qualifier});
    if (count <= 0) {
      if (it == impl_->targets.end()) return;
      for (const auto& slot : it->second.slots) impl_->pool.unprovision(slot);
      impl_->targets.erase(it);
      return;
    }
    impl_->targets[{function, qualifier}].requested = count;
  }
  asio::post(impl_->loop, [weak = std::weak_ptr<Impl>(impl_)] {
    if (auto self = weak.lock(); self && !self->stopped) self->maintainProvisioned();
  });
}

ProvisionedState FunctionRuntime::provisioned(const std::string& function, const std::string& qualifier) const {
  std::lock_guard lock(impl_->provisionMu);
  ProvisionedState state;
  auto it = impl_->targets.find({function, qualifier});
  if (it == impl_->targets.end()) return state;
  state.requested = it->second.requested;
  state.failure = it->second.failure;
  for (const auto& slot : it->second.slots) {
    if (!impl_->pool.pooled(slot)) continue;
    ++state.allocated;
    if (impl_->pool.ready(slot)) ++state.available;
  }
  return state;
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
