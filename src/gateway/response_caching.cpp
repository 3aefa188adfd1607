#include "gateway/response_caching.h"

#include <boost/beast/core/string.hpp>

#include "gateway/parameter_mapping.h"
#include "http/error_responses.h"

namespace portico::gateway {
namespace {

/// The request asks for a fresh response: Cache-Control carries max-age=0.
bool asksInvalidation(const RequestContext& ctx) {
  for (const auto& field : ctx.request) {
    if (!boost::beast::iequals(field.name_string(), "Cache-Control")) continue;
    std::string value(field.value());
    for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t at = value.find("max-age"); at != std::string::npos; at = value.find("max-age", at + 1)) {
      std::size_t i = at + 7;
      while (i < value.size() && value[i] == ' ') ++i;
      if (i >= value.size() || value[i] != '=') continue;
      ++i;
      while (i < value.size() && value[i] == ' ') ++i;
      std::size_t end = i;
      while (end < value.size() && value[end] == '0') ++end;
      if (end > i && (end == value.size() || !std::isdigit(static_cast<unsigned char>(value[end])))) return true;
    }
  }
  return false;
}

/// Length-prefixed, so no value can pass for another's boundary.
void appendPart(std::string& key, std::string_view part) {
  key += std::to_string(part.size());
  key += ':';
  key += part;
}

bool isRequestIdHeader(std::string_view name) {
  return boost::beast::iequals(name, "x-amzn-RequestId") || boost::beast::iequals(name, "x-amz-apigw-id") ||
         boost::beast::iequals(name, "Content-Length");
}

}  // namespace

CacheDecision decideCaching(const RequestContext& ctx) {
  CacheDecision out;
  const MethodCaching* caching = ctx.match.method ? ctx.match.method->caching.get() : nullptr;
  if (!caching || !ctx.stage->cache || ctx.testInvoke || ctx.request.method() == boost::beast::http::verb::head) {
    return out;  // HEAD: the length a GET would have is not kept
  }
  appendPart(out.key, ctx.stage->cacheKeyPrefix);
  appendPart(out.key, caching->cacheNamespace);
  appendPart(out.key, ctx.match.method->httpMethod == "ANY" ? std::string(ctx.request.method_string())
                                                            : ctx.match.method->httpMethod);
  for (const auto& parameter : caching->keyParameters) {
    auto value = requestSourceValue(ctx, parameter);
    appendPart(out.key, parameter);
    if (value) {
      appendPart(out.key, *value);
    } else {
      out.key += '-';  // absent differs from empty
    }
  }
  out.read = true;
  if (!asksInvalidation(ctx)) return out;
  const bool authorized = !caching->requireAuthorization || !ctx.identity.empty();
  if (authorized) {
    out.read = false;
    return out;
  }
  switch (caching->unauthorized) {
    case CacheControlStrategy::kFailWith403:
      out.refusal = GatewayError{"ACCESS_DENIED", "User is not authorized to access this resource"};
      break;
    case CacheControlStrategy::kSucceedWithHeader:
      out.warn = true;
      break;
    case CacheControlStrategy::kSucceedWithoutHeader:
      break;
  }
  return out;
}

http::Reply cachedReply(const CachedResponse& entry, const RequestContext& ctx) {
  http::Reply reply;
  http::Response& res = reply.response;
  res.version(11);
  res.result(entry.status);
  for (const auto& [name, value] : entry.headers) res.insert(name, value);
  res.body() = entry.body;
  res.set("x-amzn-RequestId", ctx.requestId);
  res.set("x-amz-apigw-id", ctx.apigwId);
  http::preparePayload(res);
  return reply;
}

std::shared_ptr<const CachedResponse> cacheableResponse(const http::Reply& reply) {
  if (reply.rest || reply.response.body().size() > kMaxCachedResponseBytes) return nullptr;
  auto entry = std::make_shared<CachedResponse>();
  entry->status = reply.response.result_int();
  for (const auto& field : reply.response) {
    if (isRequestIdHeader(field.name_string())) continue;
    entry->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  entry->body = reply.response.body();
  return entry;
}

}  // namespace portico::gateway
