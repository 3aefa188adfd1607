#include "gateway/request_validation.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "gateway/binary_media.h"

namespace portico::gateway {
namespace {

bool hasHeader(const RequestContext& ctx, std::string_view name) {
  for (const auto& field : ctx.request) {
    if (boost::beast::iequals(field.name_string(), name)) return true;
  }
  return false;
}

StageResult validateParameters(const RequestContext& ctx, const CompiledMethod& method) {
  std::vector<std::string> missing;
  for (const auto& [key, required] : method.requestParameters) {
    if (!required) continue;
    std::string_view k = key;
    auto after = [&](std::string_view prefix) { return std::string(k.substr(prefix.size())); };
    bool present = true;
    std::string name;
    if (k.starts_with("method.request.querystring.") || k.starts_with("method.request.multivaluequerystring.")) {
      name = after(k.starts_with("method.request.querystring.") ? "method.request.querystring."
                                                                : "method.request.multivaluequerystring.");
      present = ctx.queryLast.contains(name);
    } else if (k.starts_with("method.request.header.") || k.starts_with("method.request.multivalueheader.")) {
      name = after(k.starts_with("method.request.header.") ? "method.request.header."
                                                           : "method.request.multivalueheader.");
      present = hasHeader(ctx, name);
    } else if (k.starts_with("method.request.path.")) {
      name = after("method.request.path.");
      present = ctx.match.pathParams.contains(name);
    }
    if (!present) missing.push_back(name);
  }
  if (missing.empty()) return std::nullopt;
  std::sort(missing.begin(), missing.end());
  std::string list;
  for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  return GatewayError{"BAD_REQUEST_PARAMETERS", "Missing required request parameters: [" + list + "]"};
}

StageResult validateBody(const RequestContext& ctx, const CompiledMethod& method) {
  std::string type = mediaTypeOf(ctx.request[boost::beast::http::field::content_type]);
  if (type.empty()) type = "application/json";
  auto it = method.bodyModels.find(type);
  if (it == method.bodyModels.end()) it = method.bodyModels.find("$default");
  if (it == method.bodyModels.end()) return std::nullopt;
  const std::string& body = ctx.request.body();
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::value instance =
      body.empty() ? boost::json::value(boost::json::object()) : boost::json::parse(body, ec, {}, options);
  GatewayError invalid{"BAD_REQUEST_BODY", "Invalid request body"};
  if (ec) {
    invalid.validationError = "[Invalid JSON: " + ec.message() + "]";
    return invalid;
  }
  if (!it->second->validate(instance, &invalid.validationError)) return invalid;
  return std::nullopt;
}

}  // namespace

StageResult validateRequest(const RequestContext& ctx) {
  const CompiledMethod& method = *ctx.match.method;
  if (method.validateParameters) {
    if (auto err = validateParameters(ctx, method)) return err;
  }
  if (method.validateBody) return validateBody(ctx, method);
  return std::nullopt;
}

}  // namespace portico::gateway
