// MOCK integration: answers from the gateway itself. The request template's
// rendered JSON selects the status code ({"statusCode": 200}); the body comes from
// the integration response template.
#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <string_view>

#include "common/json_util.h"
#include "integrations/integrations.h"

namespace portico::integrations {
namespace {

/// The common shape, {"statusCode": 200} (the number possibly quoted), read without a JSON parse:
/// the key must occur once, at the top level of a flat object. nullopt: parse it properly.
std::optional<int> quickStatus(std::string_view body) {
  constexpr std::string_view kKey = "\"statusCode\"";
  auto at = body.find(kKey);
  if (at == std::string_view::npos || body.find(kKey, at + 1) != std::string_view::npos) return std::nullopt;
  if (body.find('{', 1) != std::string_view::npos || body.find('[') != std::string_view::npos) return std::nullopt;
  std::size_t i = at + kKey.size();
  auto skipSpace = [&] {
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) ++i;
  };
  skipSpace();
  if (i >= body.size() || body[i] != ':') return std::nullopt;
  ++i;
  skipSpace();
  bool quoted = i < body.size() && body[i] == '"';
  if (quoted) ++i;
  int value = 0;
  auto [end, ec] = std::from_chars(body.data() + i, body.data() + body.size(), value);
  if (ec != std::errc() || end == body.data() + i) return std::nullopt;
  i = static_cast<std::size_t>(end - body.data());
  if (quoted && (i >= body.size() || body[i] != '"')) return std::nullopt;
  return value;
}

class MockIntegration final : public Integration {
 public:
  boost::asio::awaitable<gateway::StageResult> invoke(gateway::RequestContext& ctx) override {
    ctx.integrationResult.status = mockStatusCode(ctx.integrationRequest.body);
    ctx.integrationResult.body.clear();
    co_return std::nullopt;
  }
};

}  // namespace

int mockStatusCode(std::string_view renderedTemplate) {
  if (auto quick = quickStatus(renderedTemplate)) return *quick;
  int status = 200;
  if (auto doc = json::parseObject(renderedTemplate)) {
    if (auto* code = doc->if_contains("statusCode")) {
      if (code->is_int64()) status = static_cast<int>(code->get_int64());
      if (code->is_uint64()) status = static_cast<int>(code->get_uint64());
      if (code->is_string()) status = std::atoi(code->get_string().c_str());
    }
  }
  return status;
}

std::unique_ptr<Integration> makeMockIntegration() {
  return std::make_unique<MockIntegration>();
}

}  // namespace portico::integrations
