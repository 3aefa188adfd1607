#include "gateway/method_request.h"

#include "common/uri_encoding.h"

namespace portico::gateway {

StageResult runMethodRequest(RequestContext& ctx) {
  ctx.query = parseQuery(ctx.rawQuery);
  for (auto& [k, v] : ctx.query) ctx.queryLast[k] = v;
  for (const auto& field : ctx.request) {
    ctx.headersLast[std::string(field.name_string())] = std::string(field.value());
  }
  return std::nullopt;
}

}  // namespace portico::gateway
