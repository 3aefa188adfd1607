// MOCK integration: answers from the gateway itself. The request template's
// rendered JSON selects the status code ({"statusCode": 200}); the body comes from
// the integration response template.
#include <boost/json.hpp>
#include <optional>
#include <string_view>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "integrations/integrations.h"

namespace portico::integrations {
namespace {

/// The common shape, {"statusCode": 200} (the number possibly quoted), read without a JSON parse:
/// the key must occur once, at the top level of a flat object, and its value be a whole integer
/// (up to the closing quote, or to the next blank, comma or brace). nullopt: parse it properly.
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
  std::size_t end = quoted ? body.find('"', i) : body.find_first_of(" \t\r\n,}", i);
  if (end == std::string_view::npos) {
    if (quoted) return std::nullopt;
    end = body.size();
  }
  return parseNumber<int>(body.substr(i, end - i));
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
      if (code->is_string()) status = parseNumber<int>(code->get_string()).value_or(0);  // not a number: 0
    }
  }
  return status;
}

std::unique_ptr<Integration> makeMockIntegration() {
  return std::make_unique<MockIntegration>();
}

}  // namespace portico::integrations
