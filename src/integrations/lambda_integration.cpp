// AWS integration with Lambda (non-proxy): the Integration Request's rendered body is
// the payload; the function's result (or its error object) becomes the integration
// response, selected by matching selectionPatterns against the errorMessage ("" on success).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html
#include <spdlog/spdlog.h>

#include "common/json_util.h"
#include "gateway/lambda_invocation.h"
#include "integrations/integrations.h"

namespace portico::integrations {
namespace {

/// The errorMessage of a function error object, or the whole payload when it has none.
std::string errorMessageOf(const std::string& payload) {
  if (auto obj = json::parseObject(payload)) {
    if (auto* m = obj->if_contains("errorMessage"); m && m->is_string()) return std::string(m->get_string());
  }
  return payload;
}

class LambdaIntegration final : public Integration {
 public:
  explicit LambdaIntegration(functions::Invoker& invoker) : invoker_(invoker) {}

  boost::asio::awaitable<gateway::StageResult> invoke(gateway::RequestContext& ctx) override {
    std::string payload = ctx.integrationRequest.body.empty() ? "{}" : ctx.integrationRequest.body;
    auto outcome = co_await gateway::invokeFunction(invoker_, ctx, std::move(payload));
    if (!outcome) co_return outcome.takeError();
    auto& result = outcome.value();
    auto& out = ctx.integrationResult;
    out.status = 200;
    out.selectionSubject = result.functionError.empty() ? std::string() : errorMessageOf(result.payload);
    out.body = std::move(result.payload);
    out.headers.emplace_back("Content-Type", "application/json");
    out.headers.emplace_back("X-Amz-Executed-Version", result.executedVersion);
    if (!result.functionError.empty()) out.headers.emplace_back("X-Amz-Function-Error", result.functionError);
    co_return std::nullopt;
  }

 private:
  functions::Invoker& invoker_;
};

}  // namespace

std::unique_ptr<Integration> makeLambdaIntegration(functions::Invoker& invoker) {
  return std::make_unique<LambdaIntegration>(invoker);
}

}  // namespace portico::integrations
