#include "gateway/method_caching.h"

#include "common/json_util.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

/// The stage's method setting for "resourcePath/VERB" as stored ("~1pets~1{id}/GET").
const bj::object* ownSettings(const bj::object& settings, const CompiledMethod& method) {
  std::string key;
  for (char c : method.resourcePath) {
    if (c == '/') {
      key += "~1";
    } else {
      key += c;
    }
  }
  key += '/';
  key += method.httpMethod;
  return json::obj(settings, key);
}

/// A setting from the method's own settings, else the stage-wide ones.
const bj::value* setting(const bj::object* own, const bj::object* all, std::string_view name) {
  if (own) {
    if (const bj::value* v = own->if_contains(name)) return v;
  }
  return all ? all->if_contains(name) : nullptr;
}

}  // namespace

std::shared_ptr<const MethodCaching> compileMethodCaching(const bj::object& stage, const CompiledMethod& method,
                                                          const bj::object* integration) {
  const bj::value* on = stage.if_contains("cacheClusterEnabled");
  if (!on || !on->is_bool() || !on->get_bool() || !integration) return nullptr;
  const bj::object* settings = json::obj(stage, "methodSettings");
  if (!settings) return nullptr;
  const bj::object* own = ownSettings(*settings, method);
  const bj::object* all = json::obj(*settings, "*/*");
  const bj::value* ownEnabled = own ? own->if_contains("cachingEnabled") : nullptr;
  bool enabled = false;
  if (ownEnabled && ownEnabled->is_bool()) {
    enabled = ownEnabled->get_bool();
  } else if (const bj::value* v = all ? all->if_contains("cachingEnabled") : nullptr; v && v->is_bool()) {
    enabled = v->get_bool() && method.httpMethod == "GET";  // the stage-wide switch covers GET only
  }
  if (!enabled) return nullptr;
  auto out = std::make_shared<MethodCaching>();
  if (const bj::value* ttl = setting(own, all, "cacheTtlInSeconds"); ttl && ttl->is_int64()) {
    out->ttl = std::chrono::seconds(ttl->get_int64());
  }
  if (out->ttl.count() <= 0) return nullptr;
  if (const bj::value* v = setting(own, all, "requireAuthorizationForCacheControl"); v && v->is_bool()) {
    out->requireAuthorization = v->get_bool();
  }
  if (const bj::value* v = setting(own, all, "unauthorizedCacheControlHeaderStrategy"); v && v->is_string()) {
    if (v->get_string() == "FAIL_WITH_403") out->unauthorized = CacheControlStrategy::kFailWith403;
    if (v->get_string() == "SUCCEED_WITHOUT_RESPONSE_HEADER") {
      out->unauthorized = CacheControlStrategy::kSucceedWithoutHeader;
    }
  }
  if (const bj::value* v = setting(own, all, "cacheDataEncrypted"); v && v->is_bool())
    out->dataEncrypted = v->get_bool();
  out->cacheNamespace = json::strOr(*integration, "cacheNamespace", "");
  if (out->cacheNamespace.empty()) out->cacheNamespace = method.resourceId;
  if (const bj::value* keys = integration->if_contains("cacheKeyParameters"); keys && keys->is_array()) {
    for (const auto& k : keys->get_array()) {
      if (k.is_string()) out->keyParameters.emplace_back(k.get_string());
    }
  }
  return out;
}

}  // namespace portico::gateway
