#include "gateway/lambda_proxy_event.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "common/base64.h"
#include "common/json_util.h"
#include "common/parse_number.h"
#include "gateway/binary_media.h"
#include "gateway/template_context.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

/// Headers API Gateway does not pass to a proxy function.
bool droppedHeader(std::string_view name) {
  return boost::beast::iequals(name, "content-length") || boost::beast::iequals(name, "connection");
}

/// The key a request header has in the event: the client's spelling (a `tEsT-HEADeR` stays so),
/// except that API Gateway title-cases Authorization and User-Agent (aws-behaviour.md §4: a client's
/// `authorization` arrives as `Authorization`).
std::string eventHeaderName(std::string_view name) {
  if (boost::beast::iequals(name, "authorization")) return "Authorization";
  if (boost::beast::iequals(name, "user-agent")) return "User-Agent";
  return std::string(name);
}

/// {} becomes null, as API Gateway sends empty maps.
bj::value orNull(bj::object o) {
  if (o.empty()) return nullptr;
  return o;
}

bj::object requestContext(const RequestContext& ctx) {
  bj::object rc = buildTemplateContext(ctx);
  rc["deploymentId"] = ctx.stage->deploymentId;
  rc.erase("requestOverride");
  rc.erase("responseOverride");
  bj::object& identity = rc["identity"].as_object();
  for (auto key : {"cognitoIdentityPoolId", "cognitoIdentityId", "cognitoAuthenticationType",
                   "cognitoAuthenticationProvider", "accessKey", "apiKeyId", "principalOrgId"}) {
    identity.emplace(key, nullptr);
  }
  if (auto* a = rc.if_contains("authorizer"); a && a->is_object() && a->get_object().empty()) rc.erase("authorizer");
  return rc;
}

}  // namespace

std::string buildProxyEvent(const RequestContext& ctx) {
  bj::object headers, multiHeaders;
  for (const auto& field : ctx.request) {
    if (droppedHeader(field.name_string())) continue;
    std::string name = eventHeaderName(field.name_string());
    headers[name] = field.value();
    auto& list = multiHeaders[name];
    if (!list.is_array()) list.emplace_array();
    list.get_array().emplace_back(field.value());
  }
  bj::object query, multiQuery;
  for (const auto& [k, v] : ctx.query) {
    query[k] = v;
    auto& list = multiQuery[k];
    if (!list.is_array()) list.emplace_array();
    list.get_array().emplace_back(v);
  }
  bj::object pathParams;
  for (const auto& [k, v] : ctx.match.pathParams) pathParams[k] = v;
  bj::object stageVars;
  for (const auto& [k, v] : ctx.stage->stageVariables) stageVars[k] = v;

  const std::string& raw = ctx.request.body();
  bool binary = isBinaryMediaType(ctx.stage->binaryMediaTypes, ctx.request[boost::beast::http::field::content_type]);
  bj::value body = nullptr;
  if (!raw.empty()) body = binary ? bj::value(base64Encode(raw)) : bj::value(raw);

  bj::object event{
      {"resource", ctx.match.method ? ctx.match.method->resourcePath : ""},
      // A custom domain's event carries the path as the client sent it (AWS, recorded in
      // localstack#12295): the base path kept, the stage too when the mapping names none.
      {"path", ctx.customDomain   ? ctx.domainPath
               : ctx.path.empty() ? "/"
                                  : ctx.path},
      {"httpMethod", std::string(ctx.request.method_string())},
      {"headers", orNull(std::move(headers))},
      {"multiValueHeaders", orNull(std::move(multiHeaders))},
      {"queryStringParameters", orNull(std::move(query))},
      {"multiValueQueryStringParameters", orNull(std::move(multiQuery))},
      {"pathParameters", orNull(std::move(pathParams))},
      {"stageVariables", orNull(std::move(stageVars))},
      {"requestContext", requestContext(ctx)},
      {"body", std::move(body)},
      {"isBase64Encoded", binary && !raw.empty()},
  };
  return bj::serialize(event);
}

namespace {

std::optional<std::string> headerText(const bj::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
  if (v.is_int64() || v.is_uint64() || v.is_double()) return bj::serialize(v);
  return std::nullopt;
}

std::optional<int> statusOf(const bj::value& v) {
  std::int64_t n = 0;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64()) {
    n = static_cast<std::int64_t>(v.get_uint64());
  } else if (v.is_string()) {
    auto parsed = parseNumber<std::int64_t>(v.get_string());
    if (!parsed) return std::nullopt;
    n = *parsed;
  } else {
    return std::nullopt;
  }
  if (n < 100 || n > 599) return std::nullopt;
  return static_cast<int>(n);
}

}  // namespace

std::optional<ProxyResponse> parseProxyResponse(std::string_view payload, bool decodeBinary) {
  auto parsed = json::parseObject(payload);
  if (!parsed) return std::nullopt;
  const bj::object& obj = *parsed;
  ProxyResponse out;
  bool base64 = false;
  const bj::object* solo = nullptr;
  const bj::object* multi = nullptr;
  for (const auto& [key, value] : obj) {
    if (key == "statusCode") {
      auto status = statusOf(value);
      if (!status) return std::nullopt;
      out.status = *status;
    } else if (key == "headers") {
      if (value.is_null()) continue;
      if (!value.is_object()) return std::nullopt;
      solo = &value.get_object();
    } else if (key == "multiValueHeaders") {
      if (value.is_null()) continue;
      if (!value.is_object()) return std::nullopt;
      multi = &value.get_object();
    } else if (key == "body") {
      if (value.is_null()) continue;
      if (!value.is_string()) return std::nullopt;
      out.body = value.get_string();
    } else if (key == "isBase64Encoded") {
      if (value.is_null()) continue;
      if (!value.is_bool()) return std::nullopt;
      base64 = value.get_bool();
    } else {
      return std::nullopt;
    }
  }
  // multiValueHeaders first (their spelling wins); a name in both gets "multi, solo" in one line.
  if (multi) {
    for (const auto& [name, list] : *multi) {
      if (list.is_null()) continue;
      if (!list.is_array()) return std::nullopt;
      std::vector<std::string> values;
      for (const auto& item : list.get_array()) {
        auto text = headerText(item);
        if (!text) return std::nullopt;
        values.push_back(std::move(*text));
      }
      const bj::value* soloValue = nullptr;
      if (solo) {
        for (const auto& [k, v] : *solo) {
          if (boost::beast::iequals(k, name)) soloValue = &v;
        }
      }
      if (soloValue) {
        auto text = headerText(*soloValue);
        if (!text) return std::nullopt;
        std::string joined;
        for (auto& v : values) joined += v + ", ";
        out.headers.emplace_back(name, joined + *text);
      } else {
        for (auto& v : values) out.headers.emplace_back(name, std::move(v));
      }
    }
  }
  if (solo) {
    for (const auto& [name, value] : *solo) {
      if (value.is_null()) continue;
      bool merged = false;
      if (multi) {
        for (const auto& [k, v] : *multi) {
          if (boost::beast::iequals(k, name) && !v.is_null()) merged = true;
        }
      }
      if (merged) continue;
      auto text = headerText(value);
      if (!text) return std::nullopt;
      out.headers.emplace_back(name, std::move(*text));
    }
  }
  if (base64 && decodeBinary) {
    auto decoded = base64Decode(out.body);
    if (!decoded) return std::nullopt;
    out.body = std::move(*decoded);
  }
  return out;
}

}  // namespace portico::gateway
