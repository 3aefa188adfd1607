#include "gateway/integration_request.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "common/base64.h"
#include "common/uri_encoding.h"
#include "gateway/binary_media.h"
#include "gateway/parameter_mapping.h"
#include "gateway/template_context.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

constexpr std::string_view kHopByHop[] = {
    "connection",     "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host",
    "content-length", "expect"};

/// The header naming the API to an HTTP backend.
constexpr std::string_view kApiIdHeader = "x-amzn-apigateway-api-id";

bool isHopByHop(std::string_view name) {
  for (auto h : kHopByHop) {
    if (boost::beast::iequals(h, name)) return true;
  }
  return false;
}

/// Encodes a path value for a URL, keeping '/' and existing %-escapes (greedy values arrive encoded).
std::string encodePathValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) ||
                std::string_view("-_.~/%:@!$&'()*+,;=").find(c) != std::string_view::npos;
    if (keep) {
      out.push_back(c);
    } else {
      out += percentEncode(std::string_view(&c, 1));
    }
  }
  return out;
}

/// Renders the request template or applies the passthrough behaviour and contentHandling.
/// A template's $context.requestOverride lands in `overrides`, its $context.responseOverride in
/// ctx.responseOverride (for the Integration Response stage).
StageResult mapBody(RequestContext& ctx, const CompiledIntegration& integration, bj::object& overrides) {
  std::string_view contentType = ctx.request[boost::beast::http::field::content_type];
  std::string ct = mediaTypeOf(contentType);
  if (ct.empty()) ct = "application/json";
  const std::string& handling = integration.contentHandling;
  std::string body = ctx.request.body();
  if (isBinaryMediaType(ctx.stage->binaryMediaTypes, contentType)) {
    // Binary payloads skip mapping templates unless converted to (base64) text.
    if (handling != "CONVERT_TO_TEXT") {
      ctx.integrationRequest.body = std::move(body);
      return std::nullopt;
    }
    body = base64Encode(body);
  } else if (handling == "CONVERT_TO_BINARY") {
    auto decoded = base64Decode(body);
    if (!decoded) return GatewayError{"BAD_REQUEST_BODY", "Unable to decode the request body as base64"};
    ctx.integrationRequest.body = std::move(*decoded);
    return std::nullopt;
  }
  const auto& templates = integration.requestTemplates;
  auto it = templates.find(ct);
  if (it == templates.end()) {
    const std::string& behaviour = integration.passthroughBehavior;
    bool pass = behaviour == "WHEN_NO_MATCH" || (behaviour == "WHEN_NO_TEMPLATES" && templates.empty());
    if (!pass) return GatewayError{"UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type"};
    ctx.integrationRequest.body = std::move(body);
    return std::nullopt;
  }
  const bool usesContext = it->second->usesContext();
  auto context = usesContext ? buildTemplateContext(ctx) : bj::object();
  bj::object after;
  auto input = templateInput(ctx, body, context);
  if (usesContext) input.contextOut = &after;
  auto rendered = it->second->render(input);
  if (!rendered) return renderFailure(rendered.error());
  ctx.integrationRequest.body = std::move(rendered).value();
  if (auto* o = after.if_contains("requestOverride"); o && o->is_object()) overrides = std::move(o->get_object());
  if (auto* o = after.if_contains("responseOverride"); o && o->is_object()) {
    ctx.responseOverride = std::move(o->get_object());
  }
  return std::nullopt;
}

/// The string entries of overrides[kind] ("header", "querystring", "path").
std::vector<std::pair<std::string, std::string>> overridesOf(const bj::object& overrides, std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto* o = overrides.if_contains(kind); o && o->is_object()) {
    for (const auto& [k, v] : o->get_object()) {
      if (v.is_string())
        out.emplace_back(std::string(k), std::string(v.get_string()));
      else if (!v.is_null())
        out.emplace_back(std::string(k), bj::serialize(v));
    }
  }
  return out;
}

}  // namespace

StageResult runIntegrationRequest(RequestContext& ctx) {
  const CompiledIntegration& integration = *ctx.match.method->integration;
  IntegrationRequest& out = ctx.integrationRequest;
  out = IntegrationRequest{};  // the stage's own output, made afresh (it may run twice: Pipeline)
  ctx.responseOverride = {};
  const bool proxy = integration.type == IntegrationType::kHttpProxy;
  if (integration.type == IntegrationType::kAwsProxy) {  // the proxy event is built from the request itself
    out.url = expandUri(integration.uri, ctx.stage->stageVariables);
    return std::nullopt;
  }

  bj::object overrides;  // $context.requestOverride, as the request template left it
  if (!proxy) {
    if (auto err = mapBody(ctx, integration, overrides)) return err;
  } else {
    out.body = ctx.request.body();
  }
  if (integration.type == IntegrationType::kMock) return std::nullopt;

  // Mapped parameters: integration.request.{path,querystring,header}.X ← source.
  std::map<std::string, std::string> pathValues;
  std::vector<std::pair<std::string, std::string>> query;
  if (proxy) {
    pathValues = ctx.match.pathParams;  // unmapped {name} falls back to the method's own variable
    query = ctx.query;
    for (const auto& field : ctx.request) {
      if (!isHopByHop(field.name_string())) out.headers.emplace_back(field.name_string(), field.value());
    }
  }
  for (const auto& [target, source] : integration.requestParameters) {
    auto value = requestSourceValue(ctx, source);
    if (!value) continue;
    constexpr std::string_view kPath = "integration.request.path.";
    constexpr std::string_view kQuery = "integration.request.querystring.";
    constexpr std::string_view kHeader = "integration.request.header.";
    constexpr std::string_view kMultiQuery = "integration.request.multivaluequerystring.";
    constexpr std::string_view kMultiHeader = "integration.request.multivalueheader.";
    std::string_view t = target;
    // A multi-value target sends each comma-separated value as its own parameter or header line.
    auto each = [&](auto&& add) {
      std::string_view rest = *value;
      for (std::size_t comma; (comma = rest.find(',')) != std::string_view::npos; rest.remove_prefix(comma + 1)) {
        add(std::string(rest.substr(0, comma)));
      }
      add(std::string(rest));
    };
    if (t.starts_with(kMultiQuery)) {
      std::string name(t.substr(kMultiQuery.size()));
      std::erase_if(query, [&](const auto& p) { return p.first == name; });
      each([&](std::string v) { query.emplace_back(name, std::move(v)); });
    } else if (t.starts_with(kMultiHeader)) {
      std::string name(t.substr(kMultiHeader.size()));
      std::erase_if(out.headers, [&](const auto& h) { return boost::beast::iequals(h.first, name); });
      each([&](std::string v) { out.headers.emplace_back(name, std::move(v)); });
    } else if (t.starts_with(kPath)) {
      pathValues[std::string(t.substr(kPath.size()))] = *value;
    } else if (t.starts_with(kQuery)) {
      std::string name(t.substr(kQuery.size()));
      std::erase_if(query, [&](const auto& p) { return p.first == name; });
      query.emplace_back(name, *value);
    } else if (t.starts_with(kHeader)) {
      std::string name(t.substr(kHeader.size()));
      std::erase_if(out.headers, [&](const auto& h) { return boost::beast::iequals(h.first, name); });
      out.headers.emplace_back(name, *value);
    }
  }

  // A template's overrides win over mapped and passed-through values.
  for (auto& [name, value] : overridesOf(overrides, "path")) pathValues[name] = value;
  for (auto& [name, value] : overridesOf(overrides, "querystring")) {
    std::erase_if(query, [&](const auto& p) { return p.first == name; });
    query.emplace_back(name, value);
  }
  for (auto& [name, value] : overridesOf(overrides, "header")) {
    std::erase_if(out.headers, [&](const auto& h) { return boost::beast::iequals(h.first, name); });
    out.headers.emplace_back(name, value);
  }

  out.method = integration.httpMethod;
  if (out.method.empty() || out.method == "ANY") out.method = std::string(ctx.request.method_string());
  out.url = expandUri(integration.uri, ctx.stage->stageVariables, &pathValues);
  if (!query.empty()) {
    out.url += out.url.find('?') == std::string::npos ? '?' : '&';
    bool first = true;
    for (auto& [k, v] : query) {
      if (!first) out.url += '&';
      first = false;
      out.url += percentEncode(k);
      out.url += '=';
      out.url += percentEncode(v);
    }
  }
  // (An AWS service gets its protocol's content type from its integration instead.)
  const bool awsService = integration.type == IntegrationType::kAws && !integration.lambdaFunction;
  if (!proxy && !awsService && !findHeader(out.headers, "Content-Type") && !out.body.empty()) {
    out.headers.emplace_back("Content-Type", "application/json");
  }
  if (integration.type == IntegrationType::kHttp || awsService) {
    // What API Gateway itself sends a non-proxy HTTP backend (the client's headers reach it only
    // when mapped): its own User-Agent, and Accept: application/json unless a mapping or an
    // override named them. (Recorded on AWS: localstack tests/aws/services/apigateway/
    // test_apigateway_http.snapshot.json, test_http_integration_with_lambda[HTTP].)
    if (!findHeader(out.headers, "User-Agent")) {
      out.headers.emplace_back("User-Agent", "AmazonAPIGateway_" + ctx.stage->apiId);
    }
    if (!findHeader(out.headers, "Accept")) out.headers.emplace_back("Accept", "application/json");
  }
  if (integration.type == IntegrationType::kHttp || integration.type == IntegrationType::kHttpProxy || awsService) {
    // Both kinds of HTTP backend (and AWS services) are told which API calls them (an HTTP_PROXY backend otherwise
    // gets the client's headers as they came: test_http_integration_with_lambda[HTTP_PROXY]).
    std::erase_if(out.headers, [](const auto& h) { return boost::beast::iequals(h.first, kApiIdHeader); });
    out.headers.emplace_back(kApiIdHeader, ctx.stage->apiId);
  }
  return std::nullopt;
}

std::string expandUri(std::string_view uri, const std::map<std::string, std::string>& stageVariables,
                      const std::map<std::string, std::string>* pathValues) {
  constexpr std::string_view kStageVariable = "${stageVariables.";
  std::string out;
  out.reserve(uri.size() + 32);
  for (std::size_t i = 0; i < uri.size();) {
    if (uri.substr(i).starts_with(kStageVariable)) {
      if (std::size_t end = uri.find('}', i); end != std::string_view::npos) {
        auto name = uri.substr(i + kStageVariable.size(), end - i - kStageVariable.size());
        if (auto it = stageVariables.find(std::string(name)); it != stageVariables.end()) out += it->second;
        i = end + 1;
        continue;
      }
    }
    if (uri[i] == '{' && pathValues) {
      if (std::size_t end = uri.find('}', i); end != std::string_view::npos) {
        std::string name(uri.substr(i + 1, end - i - 1));
        if (!name.empty() && name.back() == '+') name.pop_back();
        if (auto it = pathValues->find(name); it != pathValues->end()) {
          out += encodePathValue(it->second);
          i = end + 1;
          continue;
        }
      }
    }
    out.push_back(uri[i++]);
  }
  return out;
}

}  // namespace portico::gateway
