// LoopbackStage: Portico's data plane with no sockets in front of it, for unit tests of the
// pipeline's stages. A stage is deployed from the documents the control plane stores (a deployment
// snapshot and a stage, written to a real SQLite store and published by the control plane's own
// publishStage), or installed from a snapshot built by hand; requests then go through the real
// DataPlaneHandler → Pipeline → MethodRequest (Authorization, API keys, throttles, quotas,
// validation) → Integration Request → integration → Integration Response → Method Response, wired as
// app/serve.cpp wires them, one http::Request at a time on the stage's own io_context.
//
// The one stand-in is Lambda (ScriptedInvoker: named functions answered by test code, for Lambda
// authorizers and AWS / AWS_PROXY integrations). HTTP integrations go through Portico's UpstreamPool
// to LoopbackUpstream, a Beast server on 127.0.0.1 served by the same io_context. Wall time for
// SigV4 and JWT checks comes from a FixedClock the test moves.
//
// What instantiates coroutines and Beast's I/O is in loopback_stage.cpp, compiled once into the
// test binary rather than in every test that includes this header. Not thread-safe: one test, one
// LoopbackStage.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "common/json_util.h"
#include "common/result.h"
#include "control/apigateway/apigateway_context.h"
#include "functions/invoker.h"
#include "gateway/authorization.h"
#include "gateway/data_plane_handler.h"
#include "gateway/log_groups.h"
#include "gateway/method_request.h"
#include "gateway/pipeline.h"
#include "gateway/quota_counters.h"
#include "gateway/snapshot.h"
#include "gateway/stage_caches.h"
#include "gateway/stage_registry.h"
#include "gateway/token_bucket.h"
#include "gateway/usage_plans.h"
#include "http/handler.h"
#include "http/upstream_pool.h"
#include "integrations/integrations.h"
#include "metrics/metrics_registry.h"
#include "store/store.h"
#include "support/fixed_clock.h"
#include "vtl/template_engine.h"

namespace portico::loopback {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bj = boost::json;

// What a LoopbackStage deploys unless told otherwise.
inline constexpr std::string_view kApiId = "loopapi";
inline constexpr std::string_view kStageName = "dev";
inline constexpr std::string_view kDeploymentId = "dep001";
inline constexpr std::string_view kRegion = "us-east-1";
inline constexpr std::string_view kAccountId = "000000000000";
/// The Host a request to kApiId carries (the execute-api addressing form).
inline std::string apiHost(std::string_view apiId = kApiId) {
  return std::string(apiId) + ".execute-api.localhost";
}
/// The method ARN prefix of kApiId's kStageName ("arn:aws:execute-api:us-east-1:000000000000:loopapi/dev").
inline std::string stageArn() {
  return "arn:aws:execute-api:" + std::string(kRegion) + ":" + std::string(kAccountId) + ":" + std::string(kApiId) +
         "/" + std::string(kStageName);
}

/// The function ARN of Lambda function `name`, and the integration / authorizer URI that invokes it.
inline std::string functionArn(std::string_view name) {
  return "arn:aws:lambda:" + std::string(kRegion) + ":" + std::string(kAccountId) + ":function:" + std::string(name);
}
inline std::string lambdaUri(std::string_view name) {
  return "arn:aws:apigateway:" + std::string(kRegion) + ":lambda:path/2015-03-31/functions/" + functionArn(name) +
         "/invocations";
}

/// A Lambda stand-in: functions defined by the test, by name; every invocation is recorded.
class ScriptedInvoker final : public functions::Invoker {
 public:
  using Function = std::function<Result<functions::InvokeResult>(const functions::InvokeRequest&)>;

  /// Defines function `name` (what follows "function:" in its ARN).
  void define(std::string name, Function fn) { functions_[std::move(name)] = std::move(fn); }

  /// A successful invocation that returned `payload` (JSON text).
  static functions::InvokeResult returns(std::string payload) {
    functions::InvokeResult out;
    out.payload = std::move(payload);
    out.executedVersion = "$LATEST";
    return out;
  }
  /// An invocation whose handler threw: functionError "Unhandled" and Lambda's error object.
  static functions::InvokeResult throws(std::string_view message, std::string_view type = "Error") {
    functions::InvokeResult out;
    out.payload = bj::serialize(bj::object{{"errorMessage", message}, {"errorType", type}});
    out.functionError = "Unhandled";
    out.executedVersion = "$LATEST";
    return out;
  }

  /// Every invocation so far, in order.
  const std::vector<functions::InvokeRequest>& calls() const { return calls_; }
  /// How many invocations named function `name`.
  std::size_t callsOf(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& c : calls_) n += nameOf(c.function) == name ? 1 : 0;
    return n;
  }
  /// "arn:aws:lambda:...:function:auth:live" → "auth".
  static std::string nameOf(std::string_view function) {
    constexpr std::string_view kMarker = ":function:";
    if (auto at = function.find(kMarker); at != std::string_view::npos) function.remove_prefix(at + kMarker.size());
    return std::string(function.substr(0, function.find(':')));
  }

  asio::awaitable<Result<functions::InvokeResult>> invoke(functions::InvokeRequest request) override;

 private:
  std::map<std::string, Function, std::less<>> functions_;
  std::vector<functions::InvokeRequest> calls_;
};

/// An HTTP backend on 127.0.0.1 (an ephemeral port), served on the LoopbackStage's io_context:
/// records every request and answers it as `respond` says (200 with an empty JSON object until
/// told otherwise). Keep-alive, as Portico's upstream pool expects.
class LoopbackUpstream {
 public:
  using Respond = std::function<http::Response(const http::Request&)>;

  explicit LoopbackUpstream(asio::io_context& ioc);
  ~LoopbackUpstream();
  LoopbackUpstream(const LoopbackUpstream&) = delete;
  LoopbackUpstream& operator=(const LoopbackUpstream&) = delete;

  unsigned short port() const { return state_->port; }
  /// "http://127.0.0.1:<port>" + path: for integration URIs.
  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(state_->port) + std::string(path);
  }
  void respond(Respond fn) { state_->respond = std::move(fn); }
  /// Requests from now on are recorded and never answered (an integration timeout).
  void hold() { state_->hold = true; }
  /// What the backend received, in order.
  const std::vector<http::Request>& requests() const { return state_->requests; }

  /// A response with `status`, `body` and the headers given.
  static http::Response reply(unsigned status, std::string body,
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Response res{static_cast<beast::http::status>(status), 11};
    for (auto& [k, v] : headers) res.insert(k, v);
    res.body() = std::move(body);
    return res;
  }

 private:
  struct State {
    explicit State(asio::io_context& ioc)
        : acceptor(ioc, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
          port(acceptor.local_endpoint().port()) {}
    asio::ip::tcp::acceptor acceptor;
    unsigned short port;
    Respond respond;
    bool hold = false;
    std::vector<http::Request> requests;
  };

  static asio::awaitable<void> acceptLoop(std::shared_ptr<State> state);
  static asio::awaitable<void> serve(std::shared_ptr<State> state, asio::ip::tcp::socket socket);

  std::shared_ptr<State> state_;
};

/// A deployment snapshot as the control plane stores it ({"api", "resources" with their
/// resourceMethods, "gatewayResponses", "models", "requestValidators", "authorizers"}), built method
/// by method. Every reference handed out stays valid for the builder's life, whatever is added
/// after it; build() assembles the document.
class DeploymentDoc {
 public:
  explicit DeploymentDoc(std::string_view apiId = kApiId) {
    api_ = bj::object{{"id", apiId}, {"name", "loopback"}};
    resources_.emplace("/", bj::object{{"id", "root"}, {"path", "/"}});
    order_.emplace_back("/");
  }

  /// The RestApi document (id, name; add apiKeySource, binaryMediaTypes...).
  bj::object& api() { return api_; }
  std::string apiId() const { return json::strOr(api_, "id", ""); }

  /// The Method document of `verb` on `path` ("/pets/{petId}"), its resources created on the way;
  /// it starts as {httpMethod, authorizationType NONE, apiKeyRequired false}.
  bj::object& method(std::string_view path, std::string_view verb) {
    std::string p = resource(path);
    auto [it, inserted] = methods_.try_emplace({p, std::string(verb)});
    if (inserted)
      it->second = bj::object{{"httpMethod", verb}, {"authorizationType", "NONE"}, {"apiKeyRequired", false}};
    return it->second;
  }
  /// The method's Integration document ({"type": "MOCK"} at first), without its responses.
  bj::object& integration(std::string_view path, std::string_view verb) {
    method(path, verb);
    auto [it, inserted] = integrations_.try_emplace({resource(path), std::string(verb)});
    if (inserted) it->second = bj::object{{"type", "MOCK"}};
    return it->second;
  }
  /// One IntegrationResponse ({"statusCode": status} at first).
  bj::object& integrationResponse(std::string_view path, std::string_view verb, std::string_view status) {
    integration(path, verb);
    auto [it, inserted] = integrationResponses_.try_emplace({resource(path), std::string(verb), std::string(status)});
    if (inserted) it->second = bj::object{{"statusCode", status}};
    return it->second;
  }
  /// One MethodResponse ({"statusCode": status} at first).
  bj::object& methodResponse(std::string_view path, std::string_view verb, std::string_view status) {
    method(path, verb);
    auto [it, inserted] = methodResponses_.try_emplace({resource(path), std::string(verb), std::string(status)});
    if (inserted) it->second = bj::object{{"statusCode", status}};
    return it->second;
  }
  /// Appends a document to one of the API-wide lists: "gatewayResponses", "models",
  /// "requestValidators" or "authorizers".
  void add(std::string_view list, bj::object doc) { lists_[std::string(list)].emplace_back(std::move(doc)); }

  /// The resource id of `path` (created, with its parents, if new).
  std::string resourceId(std::string_view path) { return json::strOr(resources_.at(resource(path)), "id", ""); }

  bj::object build() const {
    bj::array resources;
    for (const auto& path : order_) {
      bj::object r = resources_.at(path);
      bj::object methods;
      for (const auto& [key, m] : methods_) {
        if (key.first != path) continue;
        bj::object method = m;
        if (auto i = integrations_.find(key); i != integrations_.end()) {
          bj::object integration = i->second;
          bj::object responses;
          for (const auto& [rk, response] : integrationResponses_) {
            if (std::get<0>(rk) == key.first && std::get<1>(rk) == key.second) responses[std::get<2>(rk)] = response;
          }
          if (!responses.empty()) integration["integrationResponses"] = std::move(responses);
          method["methodIntegration"] = std::move(integration);
        }
        bj::object methodResponses;
        for (const auto& [rk, response] : methodResponses_) {
          if (std::get<0>(rk) == key.first && std::get<1>(rk) == key.second)
            methodResponses[std::get<2>(rk)] = response;
        }
        if (!methodResponses.empty()) method["methodResponses"] = std::move(methodResponses);
        methods[key.second] = std::move(method);
      }
      if (!methods.empty()) r["resourceMethods"] = std::move(methods);
      resources.emplace_back(std::move(r));
    }
    bj::object out{{"api", api_}, {"resources", std::move(resources)}};
    for (const char* list : {"gatewayResponses", "models", "requestValidators", "authorizers"}) {
      auto it = lists_.find(list);
      out[list] = it == lists_.end() ? bj::array() : it->second;
    }
    return out;
  }

 private:
  /// Creates the resources of `path` that do not exist yet; returns its normalised key.
  std::string resource(std::string_view path) {
    std::string current = "/";
    std::string_view rest = path;
    while (!rest.empty()) {
      if (rest.front() == '/') {
        rest.remove_prefix(1);
        continue;
      }
      std::string_view part = rest.substr(0, rest.find('/'));
      rest.remove_prefix(part.size());
      std::string child = (current == "/" ? "" : current) + "/" + std::string(part);
      if (!resources_.contains(child)) {
        std::string id = "res" + std::to_string(order_.size());
        resources_.emplace(child, bj::object{{"id", id},
                                             {"parentId", json::strOr(resources_.at(current), "id", "")},
                                             {"pathPart", part},
                                             {"path", child}});
        order_.push_back(child);
      }
      current = std::move(child);
    }
    return current;
  }

  using MethodKey = std::pair<std::string, std::string>;                  // path, verb
  using ResponseKey = std::tuple<std::string, std::string, std::string>;  // path, verb, status
  bj::object api_;
  std::map<std::string, bj::object> resources_;  // by path
  std::vector<std::string> order_;               // paths in creation order
  std::map<MethodKey, bj::object> methods_;
  std::map<MethodKey, bj::object> integrations_;
  std::map<ResponseKey, bj::object> integrationResponses_;
  std::map<ResponseKey, bj::object> methodResponses_;
  std::map<std::string, bj::array> lists_;
};

/// A Stage document for kStageName serving kDeploymentId, with stage variables and methodSettings.
inline bj::object stageDoc(bj::object variables = {}, bj::object methodSettings = {}) {
  return bj::object{{"stageName", kStageName},
                    {"deploymentId", kDeploymentId},
                    {"variables", std::move(variables)},
                    {"methodSettings", std::move(methodSettings)}};
}

/// A MOCK integration on verb/path, as the e2e tests put one: the application/json request template
/// {"statusCode": <status>} and an integration response for that status rendering
/// `responseTemplate` (application/json). Returns the method document.
inline bj::object& mockMethod(DeploymentDoc& doc, std::string_view path, std::string_view verb,
                              std::string_view responseTemplate = R"({"ok": true})", std::string_view status = "200") {
  bj::object& method = doc.method(path, verb);
  doc.integration(path, verb)["requestTemplates"] =
      bj::object{{"application/json", "{\"statusCode\": " + std::string(status) + "}"}};
  doc.integrationResponse(path, verb, status)["responseTemplates"] = bj::object{{"application/json", responseTemplate}};
  doc.methodResponse(path, verb, status);
  return method;
}

/// A usage plan document admitting kApiId's kStageName (add "throttle", "quota", per-method
/// throttles in apiStages[0].throttle).
inline bj::object usagePlan(std::string_view id) {
  return bj::object{
      {"id", id}, {"name", id}, {"apiStages", bj::array{bj::object{{"apiId", kApiId}, {"stage", kStageName}}}}};
}

struct LoopbackOptions {
  double accountRateLimit = 10000;  // the account's throttle (serve's --account-rate-limit default)
  double accountBurstLimit = 5000;
  /// What the FixedClock says at first (SigV4 dates, JWT expiry): 2024-05-01T12:00:00Z.
  std::chrono::system_clock::time_point now =
      std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours{12};
};

class LoopbackStage {
 public:
  explicit LoopbackStage(LoopbackOptions options = {});
  LoopbackStage(const LoopbackStage&) = delete;
  LoopbackStage& operator=(const LoopbackStage&) = delete;

  // ---- What is served

  /// Stores the deployment snapshot, its API and the stage as the control plane does
  /// (CreateDeployment) and publishes the stage through control::apigateway::publishStage: the
  /// snapshot is read back from the store and compiled by gateway::compileStage. Later requests go
  /// to this API and stage. The compiler's refusal comes back as the error.
  Status deploy(const bj::object& deployment, const bj::object& stage);
  Status deploy(const DeploymentDoc& doc, const bj::object& stage = stageDoc()) { return deploy(doc.build(), stage); }
  /// Serves a snapshot built without the compiler; later requests go to it.
  void install(std::shared_ptr<const gateway::StageSnapshot> snapshot) {
    apiId_ = snapshot->apiId;
    stage_ = snapshot->stageName;
    registry_.put(std::move(snapshot));
  }

  /// Stores an API key (as CreateApiKey does) and republishes the usage snapshot.
  void addApiKey(std::string_view id, std::string_view value, bool enabled = true);
  /// Stores a usage plan (usagePlan() makes one) with the given keys and republishes.
  void addUsagePlan(const bj::object& plan, const std::vector<std::string>& keyIds);

  // ---- Requests

  /// A request to the deployed API and stage, host-style: Host "<api>.execute-api.localhost",
  /// target "/<stage>" + pathAndQuery.
  http::Request request(beast::http::verb verb, std::string_view pathAndQuery, std::string body = "") const {
    http::Request req{verb, "/" + stage_ + std::string(pathAndQuery), 11};
    req.set(beast::http::field::host, apiHost(apiId_));
    req.body() = std::move(body);
    return req;
  }
  http::Response get(std::string_view pathAndQuery) { return send(request(beast::http::verb::get, pathAndQuery)); }

  /// Runs one request through DataPlaneHandler::handle (and so the pipeline) on the io_context until
  /// it has answered; a relayed body (HTTP_PROXY) is read to its end. A request body gets a
  /// Content-Length as the server's parser would have seen one. Throws when the request has not
  /// completed within 20 s (the stage cannot be used after that) or when the handler threw.
  http::Response send(http::Request req);

  // ---- The components, for tests that arrange or inspect them

  /// A new HTTP backend on 127.0.0.1, served on this stage's io_context.
  LoopbackUpstream& addUpstream() {
    upstreams_.push_back(std::make_unique<LoopbackUpstream>(ioc_));
    return *upstreams_.back();
  }
  ScriptedInvoker& functions() { return functions_; }
  const ScriptedInvoker& functions() const { return functions_; }
  FixedClock& clock() { return clock_; }
  const FixedClock& clock() const { return clock_; }
  /// Access keys AWS_IAM methods accept (none until added).
  auth::StaticCredentials& credentials() { return credentials_; }
  /// Where COGNITO_USER_POOLS authorizers read "<pool id>.json" (auth/user_pool_keys.h).
  std::filesystem::path jwksDir() const { return dir_.path() / "jwks"; }
  store::Store& store() { return *store_; }
  gateway::StageRegistry& registry() { return registry_; }
  gateway::StageCaches& caches() { return caches_; }
  gateway::LogGroups& logGroups() { return logGroups_; }
  metrics::MetricsRegistry& metrics() { return metrics_; }
  const vtl::TemplateEngine& templates() const { return *templates_; }
  asio::io_context& ioContext() { return ioc_; }
  const std::string& apiId() const { return apiId_; }
  const std::string& stageName() const { return stage_; }

 private:
  class TempDir {
   public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

   private:
    std::filesystem::path path_;
  };

  static gateway::AuthorizationOptions authorizationOptions(std::filesystem::path jwksDir);
  asio::awaitable<void> roundTrip(http::Request& req, std::optional<http::Response>& out);

  // Declared in dependency order: destroyed in reverse, the io_context last.
  asio::io_context ioc_;
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  FixedClock clock_;
  std::unique_ptr<vtl::TemplateEngine> templates_;
  gateway::StageRegistry registry_;
  gateway::DomainRegistry domains_;
  gateway::UsageRegistry usage_;
  gateway::QuotaCounters quotas_;
  gateway::StageCaches caches_;               // the stages' caches (cacheClusterEnabled), on clock_
  gateway::LogGroups logGroups_;              // access log groups (destinationArn) and execution logs
  metrics::MetricsRegistry metrics_{clock_};  // where deployed methods count
  auth::StaticCredentials credentials_;
  ScriptedInvoker functions_;
  control::apigateway::ApiGatewayContext apigw_;
  gateway::TokenBucket account_;
  gateway::Authorization authorization_;
  gateway::MethodRequest methodRequest_;
  http::UpstreamPool pool_;
  std::unique_ptr<gateway::Integration> mock_, http_, lambdaProxy_, lambda_;
  gateway::Pipeline pipeline_;
  gateway::DataPlaneHandler handler_;
  std::vector<std::unique_ptr<LoopbackUpstream>> upstreams_;
  const http::ConnectionInfo conn_{"127.0.0.1", 0};
  std::string apiId_{kApiId};
  std::string stage_{kStageName};
  bool poisoned_ = false;
};

/// The body of a response parsed as JSON (null when it is not JSON).
inline bj::value jsonBody(const http::Response& res) {
  boost::system::error_code ec;
  bj::value v = bj::parse(res.body(), ec);
  return ec ? bj::value() : v;
}

}  // namespace portico::loopback
