// Method caching, compiled: whether a deployed method's responses go to the stage cache, from
// the stage (cacheClusterEnabled) and its method settings ("~1pets/GET", else "*/*": caching/enabled,
// ttlInSeconds, requireAuthorizationForCacheControl, unauthorizedCacheControlHeaderStrategy,
// dataEncrypted) and the method's integration (cacheKeyParameters, cacheNamespace). As on AWS,
// "*/*" turns caching on for GET methods only; a method's own setting turns it on for any verb.
// A TTL of 0 is caching off.
#pragma once
#include <boost/json/object.hpp>
#include <memory>

#include "gateway/snapshot.h"

namespace portico::gateway {

/// null when the method's responses are not cached.
std::shared_ptr<const MethodCaching> compileMethodCaching(const boost::json::object& stage,
                                                          const CompiledMethod& method,
                                                          const boost::json::object* integration);

}  // namespace portico::gateway
