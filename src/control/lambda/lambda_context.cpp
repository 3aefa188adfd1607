#include "control/lambda/lambda_context.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fstream>

#include "common/digest.h"
#include "common/iso_time.h"
#include "common/json_util.h"
#include "common/parse_number.h"
#include "common/uri_encoding.h"
#include "http/error_responses.h"

namespace portico::control::lambda {
namespace bj = boost::json;

namespace {

std::string hmacHex(const std::string& key, const std::string& data) {
  return hexEncode(hmacSha256(key, data));
}

std::int64_t epochSeconds(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

}  // namespace

std::string LambdaContext::lastModifiedNow() const {
  return isoMillis(clock.now(), "+0000");
}

ApiError invalidParameter(std::string message) {
  return ApiError::lambda("InvalidParameterValueException", 400, std::move(message));
}
ApiError validationError(std::string message) {
  return ApiError::lambda("ValidationException", 400, std::move(message));
}
ApiError resourceConflict(std::string message) {
  return ApiError::lambda("ResourceConflictException", 409, std::move(message));
}

Result<bj::object> loadFunction(LambdaContext& ctx, const functions::FunctionRef& ref) {
  auto doc = ctx.store.get(functions::kFunctionKind, "", ref.name);
  if (!doc) return ctx.catalog.notFound(ref);
  auto obj = json::parseObject(doc->body);
  if (!obj) return ApiError::lambda("ServiceException", 500, "Function record is damaged");
  return std::move(*obj);
}

void saveFunction(LambdaContext& ctx, const std::string& name, const bj::object& doc) {
  ctx.store.put(store::Document{std::string(functions::kFunctionKind), "", name, bj::serialize(doc), 0});
}

Result<functions::FunctionRef> refFrom(LambdaContext& ctx, const AdminCall& call, std::size_t param) {
  return ctx.catalog.parseRef(call.params.at(param), call.queryParam("Qualifier").value_or(""));
}

std::string codeLocation(LambdaContext& ctx, const std::string& hex) {
  std::string expires = std::to_string(epochSeconds(ctx.clock) + 600);
  return ctx.codeUrlBase + "/_portico/code/" + hex + ".zip?Expires=" + expires +
         "&Signature=" + hmacHex(ctx.codeUrlKey, hex + ":" + expires);
}

UnsignedEndpoint makeCodeDownloadEndpoint(LambdaContext& ctx) {
  return [&ctx](std::string_view path, std::string_view query) -> std::optional<http::Response> {
    constexpr std::string_view kPrefix = "/_portico/code/";
    if (!path.starts_with(kPrefix) || !path.ends_with(".zip")) return std::nullopt;
    std::string hex(path.substr(kPrefix.size(), path.size() - kPrefix.size() - 4));
    std::string expires, signature;
    for (auto& [k, v] : parseQuery(query)) {
      if (k == "Expires") expires = v;
      if (k == "Signature") signature = v;
    }
    // Not a number: 0, long expired (the signature covers the text, so only ours get this far).
    std::int64_t exp = parseNumber<std::int64_t>(expires).value_or(0);
    if (!functions::isSha256Hex(hex) || signature != hmacHex(ctx.codeUrlKey, hex + ":" + expires) ||
        exp < epochSeconds(ctx.clock)) {
      return http::errorResponse(403, "AccessDenied", "Request has expired or the signature does not match");
    }
    auto file = ctx.code.zipPath(hex);
    if (file.empty()) return http::errorResponse(404, "NoSuchKey", "The specified key does not exist.");
    std::ifstream in(file, std::ios::binary);
    http::Response res{boost::beast::http::status::ok, 11};
    res.set(boost::beast::http::field::content_type, "application/zip");
    res.body().assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    res.prepare_payload();
    return res;
  };
}

AdminReply jsonReply(int status, bj::object body) {
  return AdminReply{status, bj::value(std::move(body)), std::nullopt, "application/json", {}};
}

AdminReply noContent() {
  return AdminReply{204, std::nullopt, std::nullopt, "application/json", {}};
}

Status checkRevision(const bj::object& body, const bj::object& current) {
  if (auto rev = json::str(body, "RevisionId"); rev && *rev != json::strOr(current, "RevisionId", "")) {
    return ApiError::lambda("PreconditionFailedException", 412,
                            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/"
                            "GetAlias API to retrieve the latest Revision Id");
  }
  return Ok{};
}

Result<FunctionUpdate> beginFunctionUpdate(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  auto body = call.json();
  if (!body) return body.takeError();
  std::unique_lock lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  FunctionUpdate update{std::move(*ref), std::move(*body), std::move(lock), std::move(*doc)};
  if (auto st = checkRevision(update.body, update.config()); !st) return st.takeError();
  return update;
}

AsyncAdminOperation offloaded(LambdaContext& ctx, AdminOperation op) {
  return [&ctx, op = std::move(op)](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
    if (!ctx.blockingExecutor) co_return op(call);
    std::optional<Result<AdminReply>> done = co_await boost::asio::co_spawn(
        *ctx.blockingExecutor,
        [&op, &call]() -> boost::asio::awaitable<std::optional<Result<AdminReply>>> { co_return op(call); },
        boost::asio::use_awaitable);
    co_return std::move(*done);
  };
}

Result<std::optional<std::string>> descriptionOf(const bj::object& body) {
  const bj::value* d = body.if_contains("Description");
  if (!d || d->is_null()) return std::optional<std::string>();
  if (!d->is_string() || d->get_string().size() > 256) {
    return validationError(
        "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have "
        "length less than or equal to 256");
  }
  return std::optional<std::string>(std::string(d->get_string()));
}

Result<ListPage> listPage(const AdminCall& call, std::size_t defaultMax, std::size_t limit) {
  ListPage page{defaultMax, 0};
  if (auto m = call.queryParam("MaxItems")) {
    auto parsed = parseNumber<std::size_t>(*m);
    if (!parsed || *parsed < 1 || *parsed > limit) {
      return validationError("1 validation error detected: Value '" + m->substr(0, 40) +
                             "' at 'maxItems' failed to satisfy constraint: Member must have value " +
                             (parsed && *parsed > limit ? "less than or equal to " + std::to_string(limit)
                                                        : std::string("greater than or equal to 1")));
    }
    page.maxItems = *parsed;
  }
  if (auto m = call.queryParam("Marker"); m && !m->empty()) {
    auto parsed = parseNumber<std::size_t>(*m);
    if (!parsed) return invalidParameter("Invalid Marker");
    page.marker = *parsed;
  }
  return page;
}

bj::object pagedItems(std::string_view key, std::vector<bj::value> items, const ListPage& page) {
  bj::array out;
  for (std::size_t i = page.marker; i < items.size() && out.size() < page.maxItems; ++i) {
    out.push_back(std::move(items[i]));
  }
  bj::object reply{{key, std::move(out)}};
  if (page.marker + page.maxItems < items.size()) reply["NextMarker"] = std::to_string(page.marker + page.maxItems);
  return reply;
}

}  // namespace portico::control::lambda
