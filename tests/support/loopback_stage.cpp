// The out-of-line parts of the loopback driver (loopback_stage.h): what instantiates coroutines
// and Beast's I/O, compiled once rather than in every test that includes the header.
#include "support/loopback_stage.h"

#include <stdlib.h>  // mkdtemp

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>

#include "gateway/memory_response_cache.h"

namespace portico::loopback {

asio::awaitable<Result<functions::InvokeResult>> ScriptedInvoker::invoke(functions::InvokeRequest request) {
  calls_.push_back(request);
  auto it = functions_.find(nameOf(request.function));
  if (it == functions_.end()) {
    Result<functions::InvokeResult> missing =
        ApiError::lambda("ResourceNotFoundException", 404, "Function not found: " + request.function);
    co_return missing;
  }
  Result<functions::InvokeResult> answer = it->second(request);
  co_return answer;
}

LoopbackUpstream::LoopbackUpstream(asio::io_context& ioc) : state_(std::make_shared<State>(ioc)) {
  asio::co_spawn(ioc, acceptLoop(state_), asio::detached);
}

LoopbackUpstream::~LoopbackUpstream() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

asio::awaitable<void> LoopbackUpstream::acceptLoop(std::shared_ptr<State> state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    asio::co_spawn(state->acceptor.get_executor(), serve(state, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> LoopbackUpstream::serve(std::shared_ptr<State> state, asio::ip::tcp::socket socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::Request req;
    auto [readError, readBytes] =
        co_await beast::http::async_read(socket, buffer, req, asio::as_tuple(asio::use_awaitable));
    if (readError) co_return;
    state->requests.push_back(req);
    if (state->hold) {
      asio::steady_timer never(socket.get_executor(), std::chrono::hours(24));
      co_await never.async_wait(asio::as_tuple(asio::use_awaitable));
      co_return;
    }
    http::Response res = state->respond ? state->respond(req) : reply(200, "{}");
    res.version(11);
    res.keep_alive(req.keep_alive());
    if (!res.has_content_length() && !res.chunked()) res.prepare_payload();
    auto [writeError, writeBytes] = co_await beast::http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    if (writeError || !req.keep_alive()) co_return;
  }
}

LoopbackStage::TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "portico-loopback-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("loopback: mkdtemp failed");
  path_ = pattern;
}

LoopbackStage::TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

LoopbackStage::LoopbackStage(LoopbackOptions options)
    : store_(store::makeSqliteStore(dir_.path() / "portico.db")),
      clock_(options.now),
      templates_(vtl::makeVelocityTemplateEngine()),
      quotas_(*store_),
      caches_([this](std::size_t budget) -> std::shared_ptr<gateway::ResponseCache> {
        return std::make_shared<gateway::MemoryResponseCache>(budget, clock_);
      }),
      apigw_{*store_, clock_, *templates_, registry_, usage_, quotas_},
      account_(options.accountRateLimit, options.accountBurstLimit),
      authorization_(functions_, credentials_, clock_, authorizationOptions(dir_.path() / "jwks")),
      methodRequest_(authorization_, usage_, quotas_, account_),
      pool_(ioc_),
      mock_(integrations::makeMockIntegration()),
      http_(integrations::makeHttpIntegration({&pool_})),
      lambdaProxy_(integrations::makeLambdaProxyIntegration(functions_)),
      lambda_(integrations::makeLambdaIntegration(functions_)),
      pipeline_(methodRequest_, gateway::Integrations{mock_.get(), http_.get(), lambdaProxy_.get(), lambda_.get()}),
      handler_(registry_, domains_, pipeline_, clock_, 1, nullptr, &logGroups_) {
  apigw_.domains = &domains_;
  std::filesystem::create_directories(jwksDir());
  apigw_.accountId = std::string(kAccountId);
  apigw_.region = std::string(kRegion);
  apigw_.invoker = &functions_;
  apigw_.pipeline = &pipeline_;
  apigw_.authorization = &authorization_;
  apigw_.caches = &caches_;
  apigw_.metrics = &metrics_;
}

Status LoopbackStage::deploy(const bj::object& deployment, const bj::object& stage) {
  const bj::object empty;
  const bj::object* api = json::obj(deployment, "api");
  if (!api) api = &empty;
  const std::string apiId = json::strOr(*api, "id", "");
  const std::string stageName = json::strOr(stage, "stageName", "");
  namespace apigw = control::apigateway;
  apigw::saveDoc(apigw_, apigw::kRestApi, "", apiId, *api);
  apigw::saveDoc(apigw_, apigw::kSnapshot, apiId, json::strOr(stage, "deploymentId", ""), deployment);
  apigw::saveDoc(apigw_, apigw::kStage, apiId, stageName, stage);
  Status published = apigw::publishStage(apigw_, apiId, stage);
  if (published) {
    apiId_ = apiId;
    stage_ = stageName;
  }
  return published;
}

void LoopbackStage::addApiKey(std::string_view id, std::string_view value, bool enabled) {
  namespace apigw = control::apigateway;
  apigw::saveDoc(apigw_, apigw::kApiKey, "", id,
                 bj::object{{"id", id}, {"name", id}, {"value", value}, {"enabled", enabled}});
  apigw::publishUsage(apigw_);
}

void LoopbackStage::addUsagePlan(const bj::object& plan, const std::vector<std::string>& keyIds) {
  namespace apigw = control::apigateway;
  const std::string planId = json::strOr(plan, "id", "");
  apigw::saveDoc(apigw_, apigw::kUsagePlan, "", planId, plan);
  for (const auto& keyId : keyIds) {
    apigw::saveDoc(apigw_, apigw::kUsagePlanKey, planId, keyId, bj::object{{"id", keyId}, {"type", "API_KEY"}});
  }
  apigw::publishUsage(apigw_);
}

http::Response LoopbackStage::send(http::Request req) {
  if (poisoned_) throw std::logic_error("loopback: an earlier request never completed");
  if (!req.body().empty() && req.find(beast::http::field::content_length) == req.end() && !req.chunked()) {
    req.prepare_payload();
  }
  std::optional<http::Response> out;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(ioc_, roundTrip(req, out), [this, &failure, &done](std::exception_ptr e) {
    failure = e;
    done = true;
    ioc_.stop();
  });
  ioc_.restart();
  ioc_.run_for(std::chrono::seconds(20));
  if (!done) {
    poisoned_ = true;
    throw std::runtime_error("loopback: the request did not complete within 20 s");
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

gateway::AuthorizationOptions LoopbackStage::authorizationOptions(std::filesystem::path jwksDir) {
  gateway::AuthorizationOptions options;
  options.region = std::string(kRegion);
  options.accountId = std::string(kAccountId);
  options.jwksDir = std::move(jwksDir);
  options.fetchJwks = [](const std::string& url, auth::UserPoolKeys::FetchDone done) {
    done(ApiError::internal("loopback tests fetch nothing: " + url));
  };
  return options;
}

asio::awaitable<void> LoopbackStage::roundTrip(http::Request& req, std::optional<http::Response>& out) {
  http::Reply reply = co_await handler_.handle(req, conn_);
  if (reply.rest) {
    std::string piece;
    for (;;) {
      boost::system::error_code ec = co_await reply.rest->next(piece);
      if (ec) throw boost::system::system_error(ec, "loopback: the relayed body failed");
      if (piece.empty()) break;
      reply.response.body() += piece;
    }
  }
  out = std::move(reply.response);
}

}  // namespace portico::loopback
