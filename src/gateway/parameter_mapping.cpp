#include "gateway/parameter_mapping.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "vtl/json_path.h"

namespace portico::gateway {
namespace {

std::optional<std::string> lookupCaseInsensitive(const std::map<std::string, std::string>& m, std::string_view k) {
  for (auto& [name, value] : m) {
    if (boost::beast::iequals(name, k)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> find(const std::map<std::string, std::string>& m, std::string_view k) {
  auto it = m.find(std::string(k));
  if (it == m.end()) return std::nullopt;
  return it->second;
}

/// 'static value' → static value.
std::optional<std::string> staticValue(std::string_view source) {
  if (source.size() >= 2 && source.front() == '\'' && source.back() == '\'') {
    return std::string(source.substr(1, source.size() - 2));
  }
  return std::nullopt;
}

/// body.a.b (the JSONPath $.a.b without its "$") of a JSON body: strings as they are, anything
/// else as JSON text; nullopt when the body is not JSON or the path selects nothing.
std::optional<std::string> bodyPath(std::string_view body, std::string_view path) {
  auto jsonPath = vtl::JsonPath::parse("$" + std::string(path));
  if (!jsonPath) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(body, ec);
  if (ec) return std::nullopt;
  auto match = jsonPath->select(root);
  if (match.values.empty()) return std::nullopt;
  const boost::json::value& v = *match.values.front();
  if (v.is_string()) return std::string(v.get_string());
  return boost::json::serialize(v);
}

std::optional<std::string> contextValue(const RequestContext& ctx, std::string_view name) {
  if (name == "requestId") return ctx.requestId;
  if (name == "extendedRequestId") return ctx.apigwId;
  if (name == "apiId") return ctx.stage->apiId;
  if (name == "stage") return ctx.stage->stageName;
  if (name == "deploymentId") return ctx.stage->deploymentId;
  if (name == "isCanaryRequest") return ctx.stage->isCanary ? "true" : "false";
  if (name == "httpMethod") return std::string(ctx.request.method_string());
  if (name == "resourceId" && ctx.match.resource) return ctx.match.resource->resourceId;
  if (name == "resourcePath" && ctx.match.resource) return ctx.match.resource->resourcePath;
  if (name == "identity.sourceIp") return ctx.conn.peerAddress;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> findHeader(const HeaderList& headers, std::string_view name) {
  std::optional<std::string> out;
  for (auto& [k, v] : headers) {
    if (boost::beast::iequals(k, name)) out = v;
  }
  return out;
}

std::optional<std::string> requestSourceValue(const RequestContext& ctx, std::string_view source) {
  if (auto s = staticValue(source)) return s;
  constexpr std::string_view kPath = "method.request.path.";
  constexpr std::string_view kQuery = "method.request.querystring.";
  constexpr std::string_view kHeader = "method.request.header.";
  constexpr std::string_view kStageVar = "stageVariables.";
  constexpr std::string_view kContext = "context.";
  constexpr std::string_view kMultiQuery = "method.request.multivaluequerystring.";
  constexpr std::string_view kMultiHeader = "method.request.multivalueheader.";
  if (source.starts_with(kMultiQuery)) {  // every value, comma-separated
    std::string_view name = source.substr(kMultiQuery.size());
    std::optional<std::string> out;
    for (const auto& [k, v] : ctx.query) {
      if (k == name) out = out ? *out + "," + v : v;
    }
    return out;
  }
  if (source.starts_with(kMultiHeader)) {
    std::string_view name = source.substr(kMultiHeader.size());
    std::optional<std::string> out;
    for (const auto& field : ctx.request) {
      if (boost::beast::iequals(field.name_string(), name)) {
        std::string v(field.value());
        out = out ? *out + "," + v : v;
      }
    }
    return out;
  }
  if (source.starts_with(kPath)) return find(ctx.match.pathParams, source.substr(kPath.size()));
  if (source.starts_with(kQuery)) return find(ctx.queryLast, source.substr(kQuery.size()));
  if (source.starts_with(kHeader)) return lookupCaseInsensitive(ctx.headersLast, source.substr(kHeader.size()));
  if (source.starts_with(kStageVar)) return find(ctx.stage->stageVariables, source.substr(kStageVar.size()));
  if (source.starts_with(kContext)) return contextValue(ctx, source.substr(kContext.size()));
  if (source == "method.request.body") return std::string(ctx.request.body());
  if (source.starts_with("method.request.body.")) return bodyPath(ctx.request.body(), source.substr(19));
  return std::nullopt;
}

std::optional<std::string> responseSourceValue(const RequestContext& ctx, std::string_view source) {
  if (auto s = staticValue(source)) return s;
  constexpr std::string_view kHeader = "integration.response.header.";
  constexpr std::string_view kStageVar = "stageVariables.";
  constexpr std::string_view kContext = "context.";
  if (source.starts_with(kHeader)) return findHeader(ctx.integrationResult.headers, source.substr(kHeader.size()));
  constexpr std::string_view kMultiHeader = "integration.response.multivalueheader.";
  if (source.starts_with(kMultiHeader)) {
    std::string_view name = source.substr(kMultiHeader.size());
    std::optional<std::string> out;
    for (const auto& [k, v] : ctx.integrationResult.headers) {
      if (boost::beast::iequals(k, name)) out = out ? *out + "," + v : v;
    }
    return out;
  }
  if (source == "integration.response.body") return ctx.integrationResult.body;
  if (source.starts_with("integration.response.body.")) {
    return bodyPath(ctx.integrationResult.body, source.substr(25));
  }
  if (source.starts_with(kStageVar)) return find(ctx.stage->stageVariables, source.substr(kStageVar.size()));
  if (source.starts_with(kContext)) return contextValue(ctx, source.substr(kContext.size()));
  return std::nullopt;
}

}  // namespace portico::gateway
