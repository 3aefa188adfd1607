// Base path mappings of a custom domain name: API Gateway's CreateBasePathMapping,
// GetBasePathMappings, GetBasePathMapping, UpdateBasePathMapping, DeleteBasePathMapping
// (single-level base paths, "(none)" for the empty one) and apigatewayv2's API mappings
// (/v2/domainnames/{domain}/apimappings), which AWS requires for multi-level keys ("v1/orders").
// Both views share one document per base path.
// https://docs.aws.amazon.com/apigateway/latest/api/API_BasePathMapping.html
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/domainnames-domainname-apimappings.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/domain_names.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kNone = "(none)";

ApiError unknownDomain() {
  return ApiError::notFound("Invalid domain name identifier specified");
}
ApiError unknownMapping() {
  return ApiError::notFound("Invalid base path mapping identifier specified");
}

/// AWS's characters for a base path segment: letters, digits and $-_.+!*'() (rest-api-mappings).
bool segmentOk(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("$-_.+!*'()").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

/// The stored key of a base path ("(none)" for the empty one), or BadRequestException.
Result<std::string> basePathKey(std::string path, bool multiLevel) {
  if (path.empty() || path == kNone) return std::string(kNone);
  if (path.size() > 300) return ApiError::badRequest("Invalid base path: longer than 300 characters");
  std::string_view rest = path;
  for (;;) {
    auto slash = rest.find('/');
    if (!segmentOk(rest.substr(0, slash))) {
      return ApiError::badRequest("Invalid base path '" + path.substr(0, 300) +
                                  "': use letters, digits and $-_.+!*'() only" +
                                  (multiLevel ? ", segments separated by single slashes" : ""));
    }
    if (slash == std::string_view::npos) break;
    if (!multiLevel) {
      return ApiError::badRequest("Invalid base path '" + path.substr(0, 300) +
                                  "': a multi-level base path is created with apigatewayv2 create-api-mapping");
    }
    rest.remove_prefix(slash + 1);
  }
  return path;
}

/// The mapping as it is about to be saved is valid: its API exists, its stage too (when it names
/// one), and it does not clash with the domain's other mappings (`replacing`: its own old key).
Status checkMapping(ApiGatewayContext& ctx, const std::string& domain, const bj::object& m,
                    const std::string& replacing) {
  const std::string apiId = json::strOr(m, "restApiId", "");
  if (apiId.empty() || !loadDoc(ctx, kRestApi, "", apiId)) {
    return ApiError::badRequest("Invalid REST API identifier specified");
  }
  const std::string stage = json::strOr(m, "stage", "");
  if (!stage.empty() && !loadDoc(ctx, kStage, apiId, stage))
    return ApiError::badRequest("Invalid stage identifier specified");
  const std::string key = json::strOr(m, "basePath", "");
  for (const auto& other : listDocs(ctx, kBasePathMapping, domain)) {
    const std::string otherKey = json::strOr(other, "basePath", "");
    if (otherKey == replacing) continue;
    if (otherKey == key) return ApiError::conflict("Base path already exists for this domain name");
    if (otherKey == kNone || key == kNone) {
      return ApiError::conflict("Only one base path mapping is allowed if the base path is empty.");
    }
  }
  return Ok{};
}

bj::object v1View(const bj::object& m) {
  bj::object out{{"basePath", m.at("basePath")}, {"restApiId", m.at("restApiId")}};
  if (auto stage = json::strOr(m, "stage", ""); !stage.empty()) out["stage"] = stage;
  return out;
}

bj::object v2View(const bj::object& m) {
  const std::string key = json::strOr(m, "basePath", "");
  return bj::object{{"apiId", m.at("restApiId")},
                    {"apiMappingId", json::strOr(m, "apiMappingId", "")},
                    {"apiMappingKey", key == kNone ? "" : key},
                    {"stage", json::strOr(m, "stage", "")}};
}

/// Saves mapping m under its key (removing its old key `previous` if that differs), publishes.
void saveMapping(ApiGatewayContext& ctx, const std::string& domain, const bj::object& m, const std::string& previous) {
  const std::string key = json::strOr(m, "basePath", "");
  ctx.store.transaction([&] {
    if (!previous.empty() && previous != key) ctx.store.remove(kBasePathMapping, domain, previous);
    saveDoc(ctx, kBasePathMapping, domain, key, m);
  });
  publishDomains(ctx);
}

/// The domain's mapping whose apiMappingId is `id`.
std::optional<bj::object> byMappingId(ApiGatewayContext& ctx, const std::string& domain, const std::string& id) {
  for (auto& m : listDocs(ctx, kBasePathMapping, domain)) {
    if (json::strOr(m, "apiMappingId", "") == id) return std::move(m);
  }
  return std::nullopt;
}

/// The domain document, for the v2 rule on multi-level keys (REGIONAL and TLS_1_2 only).
Status checkMultiLevel(const bj::object& domain, const std::string& key) {
  if (key.find('/') == std::string::npos) return Ok{};
  bool regional = false;
  if (const auto* ec = json::obj(domain, "endpointConfiguration")) {
    if (auto* t = ec->if_contains("types"); t && t->is_array()) {
      for (const auto& v : t->get_array()) regional = regional || (v.is_string() && v.get_string() == "REGIONAL");
    }
  }
  if (!regional || json::strOr(domain, "securityPolicy", "") != "TLS_1_2") {
    return ApiError::badRequest(
        "Multi-level API mapping keys need a REGIONAL domain name with the TLS_1_2 security policy");
  }
  return Ok{};
}

void registerV1(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "domainnames/{}/basepathmappings", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    const std::string& domain = call.params[0];
    if (!loadDoc(ctx, kDomainName, "", domain)) return unknownDomain();
    auto key = basePathKey(json::strOr(*body, "basePath", ""), false);
    if (!key) return key.takeError();
    bj::object m{
        {"basePath", *key}, {"restApiId", json::strOr(*body, "restApiId", "")}, {"apiMappingId", ctx.ids.alnum(6)}};
    if (auto stage = json::strOr(*body, "stage", ""); !stage.empty() && stage != kNone) m["stage"] = stage;
    if (auto st = checkMapping(ctx, domain, m, ""); !st) return st.takeError();
    saveMapping(ctx, domain, m, "");
    return reply(201, v1View(m));
  });
  routes.add(verb::get, "domainnames/{}/basepathmappings", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (!loadDoc(ctx, kDomainName, "", call.params[0])) return unknownDomain();
    std::vector<bj::object> items;
    for (const auto& m : listDocs(ctx, kBasePathMapping, call.params[0])) items.push_back(v1View(m));
    return pagedList(call, std::move(items));
  });
  routes.add(verb::get, "domainnames/{}/basepathmappings/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (!loadDoc(ctx, kDomainName, "", call.params[0])) return unknownDomain();
    auto m = loadDoc(ctx, kBasePathMapping, call.params[0], call.params[1].empty() ? kNone : call.params[1]);
    if (!m) return unknownMapping();
    return reply(200, v1View(*m));
  });
  routes.add(verb::patch, "domainnames/{}/basepathmappings/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    const std::string& domain = call.params[0];
    if (!loadDoc(ctx, kDomainName, "", domain)) return unknownDomain();
    const std::string previous = call.params[1].empty() ? std::string(kNone) : call.params[1];
    auto m = loadDoc(ctx, kBasePathMapping, domain, previous);
    if (!m) return unknownMapping();
    auto* ops = body->if_contains("patchOperations");
    if (!ops || !ops->is_array()) return ApiError::badRequest("patchOperations is required");
    for (const auto& op : ops->get_array()) {
      if (!op.is_object()) return ApiError::badRequest("Invalid patch operation");
      const std::string path = json::strOr(op.get_object(), "path", ""),
                        value = json::strOr(op.get_object(), "value", "");
      if (json::strOr(op.get_object(), "op", "") != "replace") {
        return ApiError::badRequest("Invalid patch operation specified. Must be 'replace'");
      }
      if (path == "/basePath") {
        auto key = basePathKey(value, json::strOr(*m, "basePath", "").find('/') != std::string::npos);
        if (!key) return key.takeError();
        (*m)["basePath"] = *key;
      } else if (path == "/restapiId" || path == "/restApiId") {
        (*m)["restApiId"] = value;
      } else if (path == "/stage") {
        if (value.empty() || value == kNone) {
          m->erase("stage");
        } else {
          (*m)["stage"] = value;
        }
      } else {
        return ApiError::badRequest("Invalid patch path '" + path.substr(0, 200) +
                                    "'. Must be one of: [/basePath, /restapiId, /stage]");
      }
    }
    if (auto st = checkMapping(ctx, domain, *m, previous); !st) return st.takeError();
    saveMapping(ctx, domain, *m, previous);
    return reply(200, v1View(*m));
  });
  routes.add(verb::delete_, "domainnames/{}/basepathmappings/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (!loadDoc(ctx, kDomainName, "", call.params[0])) return unknownDomain();
    if (!ctx.store.remove(kBasePathMapping, call.params[0], call.params[1].empty() ? kNone : call.params[1])) {
      return unknownMapping();
    }
    publishDomains(ctx);
    return AdminReply{202, std::nullopt};
  });
}

/// apigatewayv2's CreateApiMapping / UpdateApiMapping body applied to mapping m.
Status applyV2(const bj::object& domain, const bj::object& body, bj::object& m) {
  if (auto api = json::str(body, "apiId")) m["restApiId"] = *api;
  if (auto key = json::str(body, "apiMappingKey")) {
    auto k = basePathKey(*key, true);
    if (!k) return k.takeError();
    if (auto st = checkMultiLevel(domain, *k); !st) return st.takeError();
    m["basePath"] = *k;
  }
  if (auto stage = json::str(body, "stage")) m["stage"] = *stage;
  if (json::strOr(m, "stage", "").empty()) return ApiError::badRequest("Stage is required for an API mapping");
  return Ok{};
}

void registerV2(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "v2/domainnames/{}/apimappings", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    const std::string& name = call.params[0];
    auto domain = loadDoc(ctx, kDomainName, "", name);
    if (!domain) return ApiError::notFound("The domain name resource specified in the request was not found.");
    bj::object m{{"basePath", std::string(kNone)}, {"apiMappingId", ctx.ids.alnum(6)}};
    if (auto st = applyV2(*domain, *body, m); !st) return st.takeError();
    if (auto st = checkMapping(ctx, name, m, ""); !st) return st.takeError();
    saveMapping(ctx, name, m, "");
    return reply(201, v2View(m));
  });
  routes.add(verb::get, "v2/domainnames/{}/apimappings", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (!loadDoc(ctx, kDomainName, "", call.params[0])) {
      return ApiError::notFound("The domain name resource specified in the request was not found.");
    }
    bj::array items;
    for (const auto& m : listDocs(ctx, kBasePathMapping, call.params[0])) items.push_back(v2View(m));
    return reply(200, bj::object{{"items", std::move(items)}});
  });
  routes.add(verb::get, "v2/domainnames/{}/apimappings/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto m = byMappingId(ctx, call.params[0], call.params[1]);
    if (!m) return ApiError::notFound("The ApiMapping resource specified in the request was not found.");
    return reply(200, v2View(*m));
  });
  routes.add(verb::patch, "v2/domainnames/{}/apimappings/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto domain = loadDoc(ctx, kDomainName, "", call.params[0]);
    auto m = domain ? byMappingId(ctx, call.params[0], call.params[1]) : std::nullopt;
    if (!m) return ApiError::notFound("The ApiMapping resource specified in the request was not found.");
    const std::string previous = json::strOr(*m, "basePath", "");
    if (auto st = applyV2(*domain, *body, *m); !st) return st.takeError();
    if (auto st = checkMapping(ctx, call.params[0], *m, previous); !st) return st.takeError();
    saveMapping(ctx, call.params[0], *m, previous);
    return reply(200, v2View(*m));
  });
  routes.add(verb::delete_, "v2/domainnames/{}/apimappings/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto m = byMappingId(ctx, call.params[0], call.params[1]);
    if (!m) return ApiError::notFound("The ApiMapping resource specified in the request was not found.");
    ctx.store.remove(kBasePathMapping, call.params[0], json::strOr(*m, "basePath", ""));
    publishDomains(ctx);
    return AdminReply{204, std::nullopt};
  });
}

}  // namespace

void registerBasePathMappingRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  registerV1(routes, ctx);
  registerV2(routes, ctx);
}

}  // namespace portico::control::apigateway
