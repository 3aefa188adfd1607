// Response caching (the stage cache's part of the pipeline): which requests of a method read and
// fill the stage's cache, under which key, and what a client's `Cache-Control: max-age=0` does.
// A hit still went through the whole Method Request stage (authorization, keys, throttles,
// validation): only the integration and the mapping after it are skipped.
//
// - Key: the stage's (the canary's own unless it shares the stage's cache), the method's cache
//   namespace (the integration's cacheNamespace, else the resource id), the HTTP method and the
//   value of each of the integration's cacheKeyParameters (method.request.path/querystring/header.*),
//   as AWS keys it: two requests that differ only in a parameter that is not a key share an entry.
// - Invalidation: `Cache-Control: max-age=0` from an authorized caller skips the cache and stores
//   the fresh response. With requireAuthorizationForCacheControl (the default) only a caller whose
//   SigV4 signature Portico verified (an AWS_IAM method) is authorized, Portico having no IAM policy
//   for execute-api:InvalidateCache to consult; the others get unauthorizedCacheControlHeaderStrategy:
//   FAIL_WITH_403 (403), SUCCEED_WITH_RESPONSE_HEADER (served as if the header were not there, with
//   a `Warning` header saying so; AWS does not document its own header), SUCCEED_WITHOUT_RESPONSE_HEADER.
// - What is stored: the method response, when the integration answered (a gateway error, such as a
//   timeout, is not), its body is at most kMaxCachedResponseBytes and has arrived whole.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "gateway/request_context.h"
#include "gateway/response_cache.h"

namespace portico::gateway {

/// What a method response cache decided for one request.
struct CacheDecision {
  std::string key;                      // empty: the method's responses are not cached
  bool read = false;                    // look the key up (false: an authorized invalidation)
  bool warn = false;                    // SUCCEED_WITH_RESPONSE_HEADER: say the Cache-Control was ignored
  std::optional<GatewayError> refusal;  // FAIL_WITH_403
};

/// The decision for ctx's request (after the Method Request stage).
CacheDecision decideCaching(const RequestContext& ctx);

/// The header the SUCCEED_WITH_RESPONSE_HEADER strategy adds.
inline constexpr std::string_view kCacheWarningHeader = "Warning";
inline constexpr std::string_view kCacheWarningValue = "199 - \"Cache-Control max-age=0 ignored: not authorized\"";

/// The client's reply for a cached entry, with ctx's own request ids.
http::Reply cachedReply(const CachedResponse& entry, const RequestContext& ctx);
/// What of `res` goes into the cache, or null when it may not (a body still arriving, too large).
std::shared_ptr<const CachedResponse> cacheableResponse(const http::Reply& reply);

}  // namespace portico::gateway
