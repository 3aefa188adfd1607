#include "gateway/integration_response.h"

#include <boost/json.hpp>

#include "common/base64.h"
#include "common/parse_number.h"
#include "gateway/binary_media.h"
#include "gateway/parameter_mapping.h"
#include "gateway/template_context.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

const CompiledIntegrationResponse* select(const CompiledIntegration& integration, const std::string& subject) {
  for (const auto& r : integration.responses) {
    if (r.pattern && RE2::FullMatch(subject, *r.pattern)) return &r;
  }
  return integration.defaultResponse;
}

/// The template for the first Accept type, then application/json, then the first one.
/// contentHandling on the response (AWS's conversion table): a binary payload goes to a text
/// client as base64 unless CONVERT_TO_BINARY; a text payload goes to a binary client decoded from
/// base64 unless CONVERT_TO_TEXT. Returns false when a base64 decode fails (AWS answers 500).
bool convertBody(RequestContext& ctx, const std::string& handling, bool& binaryOut) {
  const auto& types = ctx.stage->binaryMediaTypes;
  auto& result = ctx.integrationResult;
  bool payloadBinary = false;
  if (auto type = findHeader(result.headers, "Content-Type")) payloadBinary = isBinaryMediaType(types, *type);
  bool clientBinary = acceptsBinary(types, ctx.request[boost::beast::http::field::accept]);
  if (payloadBinary) {
    binaryOut = !(handling == "CONVERT_TO_TEXT" || (handling.empty() && !clientBinary));
    if (!binaryOut) result.body = base64Encode(result.body);
    return true;
  }
  binaryOut = handling == "CONVERT_TO_BINARY" || (handling.empty() && clientBinary);
  if (binaryOut) {
    auto decoded = base64Decode(result.body);
    if (!decoded) return false;
    result.body = std::move(*decoded);
  }
  return true;
}

/// $context.responseOverride.status (100..599) and .header.X, as the templates left them: the
/// response template's `after` context when one ran with $context, else the request template's.
void applyResponseOverride(RequestContext& ctx, const bj::object& after) {
  const bj::object* chosen = &ctx.responseOverride;
  if (auto* o = after.if_contains("responseOverride"); o && o->is_object()) chosen = &o->get_object();
  const bj::object& override = *chosen;
  if (auto* s = override.if_contains("status"); s && !s->is_null()) {
    std::string text = s->is_string() ? std::string(s->get_string()) : bj::serialize(*s);
    auto status = parseNumber<int>(text);
    if (status && *status >= 100 && *status <= 599) {
      ctx.selectedStatus = text;
    }
  }
  if (auto* h = override.if_contains("header"); h && h->is_object()) {
    for (const auto& [name, value] : h->get_object()) {
      if (value.is_null()) continue;
      std::string text = value.is_string() ? std::string(value.get_string()) : bj::serialize(value);
      std::erase_if(ctx.responseHeaders, [&](const auto& e) { return boost::beast::iequals(e.first, name); });
      ctx.responseHeaders.emplace_back(std::string(name), std::move(text));
    }
  }
}

}  // namespace

StageResult runIntegrationResponse(RequestContext& ctx) {
  if (ctx.integrationResult.proxy) return std::nullopt;
  const CompiledIntegration& integration = *ctx.match.method->integration;
  const auto& result = ctx.integrationResult;
  ctx.responseHeaders.clear();  // the stage's own output, made afresh (it may run twice: Pipeline)
  const CompiledIntegrationResponse* chosen =
      select(integration, result.selectionSubject ? *result.selectionSubject : std::to_string(result.status));
  if (!chosen) return GatewayError{"API_CONFIGURATION_ERROR", "Internal server error"};
  ctx.selectedStatus = chosen->statusCode;

  for (const auto& [target, source] : chosen->responseParameters) {
    constexpr std::string_view kHeader = "method.response.header.";
    if (!std::string_view(target).starts_with(kHeader)) continue;
    if (auto value = responseSourceValue(ctx, source)) {
      ctx.responseHeaders.emplace_back(target.substr(kHeader.size()), *value);
    }
  }
  bool binary = false;
  if (!convertBody(ctx, chosen->contentHandling, binary)) {
    return GatewayError{"API_CONFIGURATION_ERROR", "Internal server error"};
  }
  auto tmpl = selectResponseTemplate(chosen->responseTemplates, ctx.request[boost::beast::http::field::accept]);
  if (binary || tmpl == chosen->responseTemplates.end()) {  // templates never see binary payloads
    ctx.responseBody = std::move(ctx.integrationResult.body);
    applyResponseOverride(ctx, bj::object());
    return std::nullopt;
  }
  ctx.responseContentType = tmpl->first;
  const bool usesContext = tmpl->second->usesContext();
  auto context = usesContext ? buildTemplateContext(ctx) : bj::object();
  bj::object after;
  auto input = templateInput(ctx, ctx.integrationResult.body, context);
  if (usesContext) input.contextOut = &after;
  auto rendered = tmpl->second->render(input);
  if (!rendered) return renderFailure(rendered.error());
  ctx.responseBody = std::move(rendered).value();
  applyResponseOverride(ctx, after);
  return std::nullopt;
}

}  // namespace portico::gateway
