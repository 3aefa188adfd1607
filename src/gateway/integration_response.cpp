#include "gateway/integration_response.h"

#include "gateway/parameter_mapping.h"
#include "gateway/template_context.h"

namespace portico::gateway {
namespace {

const CompiledIntegrationResponse* select(const CompiledIntegration& integration, const std::string& subject) {
  for (const auto& r : integration.responses) {
    if (r.pattern && RE2::FullMatch(subject, *r.pattern)) return &r;
  }
  return integration.defaultResponse;
}

/// The template for the first Accept type, then application/json, then the first one.
const vtl::CompiledTemplate* selectTemplate(const TemplateMap& templates, std::string_view accept) {
  if (templates.empty()) return nullptr;
  std::string first(accept.substr(0, accept.find(',')));
  first = first.substr(0, first.find(';'));
  while (!first.empty() && first.back() == ' ') first.pop_back();
  while (!first.empty() && first.front() == ' ') first.erase(0, 1);
  if (auto it = templates.find(first); it != templates.end()) return it->second.get();
  if (auto it = templates.find("application/json"); it != templates.end()) return it->second.get();
  return templates.begin()->second.get();
}

}  // namespace

StageResult runIntegrationResponse(RequestContext& ctx) {
  if (ctx.integrationResult.proxy) return std::nullopt;
  const CompiledIntegration& integration = *ctx.match.method->integration;
  const CompiledIntegrationResponse* chosen = select(integration, std::to_string(ctx.integrationResult.status));
  if (!chosen) return GatewayError{"API_CONFIGURATION_ERROR", "Internal server error"};
  ctx.selectedStatus = chosen->statusCode;

  for (const auto& [target, source] : chosen->responseParameters) {
    constexpr std::string_view kHeader = "method.response.header.";
    if (!std::string_view(target).starts_with(kHeader)) continue;
    if (auto value = responseSourceValue(ctx, source)) {
      ctx.responseHeaders.emplace_back(target.substr(kHeader.size()), *value);
    }
  }
  const vtl::CompiledTemplate* tmpl =
      selectTemplate(chosen->responseTemplates, ctx.request[boost::beast::http::field::accept]);
  if (!tmpl) {
    ctx.responseBody = std::move(ctx.integrationResult.body);
    return std::nullopt;
  }
  auto context = buildTemplateContext(ctx);
  auto rendered = tmpl->render(templateInput(ctx, ctx.integrationResult.body, context));
  if (!rendered) return GatewayError{"API_CONFIGURATION_ERROR", "Internal server error"};
  ctx.responseBody = std::move(rendered).value();
  return std::nullopt;
}

}  // namespace portico::gateway
