// HTTP and HTTP_PROXY integrations: send the mapped request to the endpoint
// through the worker's keep-alive pool. Timeout → 504 "Endpoint request timed out";
// any other failure → the INTEGRATION_FAILURE gateway response.
//
// HTTP_PROXY responses are relayed to the client as they arrive rather than held: with
// responseTransferMode STREAM any body (chunked to the client when the backend gave no length, no
// size limit); with BUFFERED (AWS's default) only bodies whose Content-Length is within the 10 MB
// limit, so what the client sees (length, limit) stays what AWS's buffering gives. Test invokes and
// HTTP (non-proxy) integrations read the whole body: their response is mapped or logged.
#include <spdlog/spdlog.h>

#include "http/http_url.h"
#include "http/upstream_pool.h"
#include "integrations/integrations.h"

namespace portico::integrations {
namespace bhttp = boost::beast::http;
namespace {

class HttpIntegration final : public Integration {
 public:
  explicit HttpIntegration(std::vector<http::UpstreamPool*> pools) : pools_(std::move(pools)) {}

  boost::asio::awaitable<gateway::StageResult> invoke(gateway::RequestContext& ctx) override {
    const auto& ir = ctx.integrationRequest;
    auto url = http::parseHttpUrl(ir.url);
    if (!url) {
      spdlog::warn("request {}: invalid endpoint {}", ctx.requestId, ir.url);
      co_return gateway::GatewayError{"API_CONFIGURATION_ERROR", "Internal server error"};
    }
    http::UpstreamTarget target{url->host, url->port, url->tls};
    if (url->tls && !ctx.stage->clientCertificatePem.empty()) {  // the stage's client certificate
      target.clientCertificateId = ctx.stage->clientCertificateId;
      target.clientCertificatePem = ctx.stage->clientCertificatePem;
      target.clientKeyPem = ctx.stage->clientKeyPem;
    }

    http::Request req;
    req.method_string(ir.method);
    req.target(url->target);
    req.version(11);
    for (auto& [k, v] : ir.headers) req.insert(k, v);
    req.set(bhttp::field::host, url->hostHeader);
    req.body() = ir.body;

    const auto& integration = *ctx.match.method->integration;
    const bool proxy = integration.type == gateway::IntegrationType::kHttpProxy;
    http::RelayMode relay = http::RelayMode::kNone;
    if (proxy && !ctx.log) relay = integration.streamResponse ? http::RelayMode::kAny : http::RelayMode::kSized;
    auto outcome = co_await pools_[ctx.conn.workerIndex]->send(target, req,
                                                               std::chrono::milliseconds(integration.timeoutMs), relay);
    if (!outcome) {
      const http::UpstreamError& err = outcome.error();
      spdlog::info("request {}: integration {} failed: {}", ctx.requestId, ir.url, err.detail);
      if (err.kind == http::UpstreamErrorKind::kTimeout) {
        co_return gateway::GatewayError{"INTEGRATION_TIMEOUT", "Endpoint request timed out"};
      }
      co_return gateway::GatewayError{"INTEGRATION_FAILURE", "Internal server error"};
    }
    auto& result = ctx.integrationResult;
    http::UpstreamResponse& answer = outcome.value();
    result.status = static_cast<int>(answer.response.result_int());
    for (const auto& field : answer.response) result.headers.emplace_back(field.name_string(), field.value());
    result.body = std::move(answer.response.body());
    result.rest = std::move(answer.rest);
    result.proxy = proxy;
    co_return std::nullopt;
  }

 private:
  std::vector<http::UpstreamPool*> pools_;
};

}  // namespace

std::unique_ptr<Integration> makeHttpIntegration(std::vector<http::UpstreamPool*> pools) {
  return std::make_unique<HttpIntegration>(std::move(pools));
}

}  // namespace portico::integrations
