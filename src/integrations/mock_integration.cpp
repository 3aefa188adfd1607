// MOCK integration: answers from the gateway itself. The request template's
// rendered JSON selects the status code ({"statusCode": 200}); the body comes from
// the integration response template.
#include <boost/json.hpp>

#include "common/json_util.h"
#include "integrations/integration.h"

namespace portico::integrations {
namespace {

class MockIntegration final : public Integration {
 public:
  boost::asio::awaitable<gateway::StageResult> invoke(gateway::RequestContext& ctx) override {
    ctx.integrationResult.status = 200;
    if (auto doc = json::parseObject(ctx.integrationRequest.body)) {
      if (auto* code = doc->if_contains("statusCode")) {
        if (code->is_int64()) ctx.integrationResult.status = static_cast<int>(code->get_int64());
        if (code->is_uint64()) ctx.integrationResult.status = static_cast<int>(code->get_uint64());
        if (code->is_string()) ctx.integrationResult.status = std::atoi(code->get_string().c_str());
      }
    }
    ctx.integrationResult.body.clear();
    co_return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Integration> makeMockIntegration() {
  return std::make_unique<MockIntegration>();
}

}  // namespace portico::integrations
