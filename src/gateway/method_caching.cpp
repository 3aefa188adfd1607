#include "gateway/method_caching.h"

#include "common/json_util.h"
#include "gateway/method_settings.h"

namespace portico::gateway {
namespace bj = boost::json;

std::shared_ptr<const MethodCaching> compileMethodCaching(const bj::object& stage, const CompiledMethod& method,
                                                          const bj::object* integration) {
  const bj::value* on = stage.if_contains("cacheClusterEnabled");
  if (!on || !on->is_bool() || !on->get_bool() || !integration) return nullptr;
  const MethodSettings settings = methodSettings(stage, method);
  const bj::value* ownEnabled = settings.own ? settings.own->if_contains("cachingEnabled") : nullptr;
  bool enabled = false;
  if (ownEnabled && ownEnabled->is_bool()) {
    enabled = ownEnabled->get_bool();
  } else if (const bj::value* v = settings.all ? settings.all->if_contains("cachingEnabled") : nullptr;
             v && v->is_bool()) {
    enabled = v->get_bool() && method.httpMethod == "GET";  // the stage-wide switch covers GET only
  }
  if (!enabled) return nullptr;
  auto out = std::make_shared<MethodCaching>();
  if (const bj::value* ttl = settings.find("cacheTtlInSeconds"); ttl && ttl->is_int64()) {
    out->ttl = std::chrono::seconds(ttl->get_int64());
  }
  if (out->ttl.count() <= 0) return nullptr;
  if (const bj::value* v = settings.find("requireAuthorizationForCacheControl"); v && v->is_bool()) {
    out->requireAuthorization = v->get_bool();
  }
  if (const bj::value* v = settings.find("unauthorizedCacheControlHeaderStrategy"); v && v->is_string()) {
    if (v->get_string() == "FAIL_WITH_403") out->unauthorized = CacheControlStrategy::kFailWith403;
    if (v->get_string() == "SUCCEED_WITHOUT_RESPONSE_HEADER") {
      out->unauthorized = CacheControlStrategy::kSucceedWithoutHeader;
    }
  }
  if (const bj::value* v = settings.find("cacheDataEncrypted"); v && v->is_bool()) out->dataEncrypted = v->get_bool();
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
