#include "gateway/method_response.h"

#include <boost/beast/core/string.hpp>
#include <span>

#include "common/parse_number.h"
#include "http/error_responses.h"

namespace portico::gateway {
namespace {

// A proxy integration's headers that describe its own connection: not passed on.
constexpr std::string_view kDropped[] = {"keep-alive", "proxy-connection", "transfer-encoding",
                                         "te",         "trailer",          "upgrade"};
// Headers the gateway answers for itself: the backend's are passed on as X-Amzn-Remapped-<name>,
// as API Gateway does.
constexpr std::string_view kRemapped[] = {"authorization", "connection", "content-length",
                                          "date",          "server",     "www-authenticate"};

bool listed(std::span<const std::string_view> names, std::string_view name) {
  for (auto d : names) {
    if (boost::beast::iequals(d, name)) return true;
  }
  return false;
}

}  // namespace

http::Reply runMethodResponse(RequestContext& ctx) {
  http::Reply reply;
  http::Response& res = reply.response;
  res.version(11);
  std::string_view headLength;  // for HEAD: the length the backend announced for a GET
  if (ctx.integrationResult.proxy) {
    res.result(static_cast<unsigned>(ctx.integrationResult.status));
    for (auto& [k, v] : ctx.integrationResult.headers) {
      if (boost::beast::iequals(k, "content-length")) headLength = v;
      if (listed(kRemapped, k)) {
        res.insert("X-Amzn-Remapped-" + k, v);
      } else if (!listed(kDropped, k)) {
        res.insert(k, v);
      }
    }
    res.body() = std::move(ctx.integrationResult.body);
  } else {
    int status = parseNumber<int>(ctx.selectedStatus).value_or(200);
    if (status < 100 || status > 599) status = 500;
    res.result(static_cast<unsigned>(status));
    res.set(boost::beast::http::field::content_type,
            ctx.responseContentType.empty() ? "application/json" : ctx.responseContentType);
    for (auto& [k, v] : ctx.responseHeaders) res.set(k, v);
    res.body() = std::move(ctx.responseBody);
  }
  res.set("x-amzn-RequestId", ctx.requestId);
  res.set("x-amz-apigw-id", ctx.apigwId);
  http::preparePayload(res);
  if (ctx.request.method() == boost::beast::http::verb::head && !headLength.empty() && res.body().empty() &&
      headLength.find_first_not_of("0123456789") == std::string_view::npos) {
    res.set(boost::beast::http::field::content_length, headLength);
  }
  if (ctx.integrationResult.proxy && ctx.integrationResult.rest) {
    // The body is still arriving: its declared length, or none (the server relays it chunked).
    if (auto length = ctx.integrationResult.rest->declaredLength()) {
      res.content_length(*length);
    } else {
      res.erase(boost::beast::http::field::content_length);
    }
    reply.rest = std::move(ctx.integrationResult.rest);
  }
  return reply;
}

}  // namespace portico::gateway
