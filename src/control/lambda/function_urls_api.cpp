// Function URL operations: Create / Get / Update / DeleteFunctionUrlConfig
// (/2021-10-31/functions/{name}/url, ?Qualifier= for an alias) and ListFunctionUrlConfigs
// (/2021-10-31/functions/{name}/urls). The configuration lives in its own document, by url id,
// which the data plane serves (function_urls/); the function's document names its URLs by
// qualifier ("urls") so that deleting the function or the alias deletes them.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/function_urls.h"
#include "function_urls/url_config.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
using function_urls::kFunctionUrlKind;
namespace {

constexpr std::string_view kUrls = "urls";  // in the function's document: qualifier ("" for none) → url id

ApiError notFound() {
  return ApiError::lambda("ResourceNotFoundException", 404, "The resource you requested does not exist.");
}

/// The call's qualifier as a URL takes it: none or $LATEST (""), or an alias that exists; a
/// version number is refused as AWS refuses it.
Result<std::string> urlQualifier(LambdaContext& ctx, const functions::FunctionRef& ref) {
  if (ref.qualifier.empty() || ref.qualifier == "$LATEST") return std::string();
  static const RE2 alias("[a-zA-Z0-9_-]{1,128}");
  bool numeric = std::ranges::all_of(ref.qualifier, [](char c) { return c >= '0' && c <= '9'; });
  if (numeric || !RE2::FullMatch(ref.qualifier, alias)) {
    return validationError("1 validation error detected: Value '" + ref.qualifier.substr(0, 200) +
                           "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))");
  }
  if (!ctx.store.get(functions::kAliasKind, functions::versionScope(ref.name), ref.qualifier)) {
    return ctx.catalog.notFound(ref);
  }
  return ref.qualifier;
}

Status checkEnum(const bj::object& body, std::string_view key, std::string_view wire,
                 std::initializer_list<std::string_view> values, bool required) {
  const bj::value* v = body.if_contains(key);
  if (!v || v->is_null()) {
    if (!required) return Ok{};
    return validationError("1 validation error detected: Value null at '" + std::string(wire) +
                           "' failed to satisfy constraint: Member must not be null");
  }
  std::string list;
  for (auto x : values) list += (list.empty() ? "" : ", ") + std::string(x);
  if (v->is_string() && std::ranges::find(values, std::string_view(v->get_string())) != values.end()) return Ok{};
  return validationError("1 validation error detected: Value '" +
                         (v->is_string() ? std::string(v->get_string()) : bj::serialize(*v)).substr(0, 200) + "' at '" +
                         std::string(wire) + "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                         list + "]");
}

Status checkStrings(const bj::object& cors, std::string_view key, std::string_view wire, std::size_t maxItems,
                    std::size_t maxLength) {
  const bj::value* v = cors.if_contains(key);
  if (!v || v->is_null()) return Ok{};
  if (!v->is_array() || v->get_array().size() > maxItems) {
    return validationError("1 validation error detected: Value at 'cors." + std::string(wire) +
                           "' failed to satisfy constraint: Member must have length less than or equal to " +
                           std::to_string(maxItems));
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string() || item.get_string().empty() || item.get_string().size() > maxLength ||
        std::string_view(item.get_string()).find_first_of("\r\n,") != std::string_view::npos) {
      return validationError("1 validation error detected: Value at 'cors." + std::string(wire) +
                             "' failed to satisfy constraint: Member must satisfy constraint: [Member must have "
                             "length less than or equal to " +
                             std::to_string(maxLength) + ", Member must have length greater than or equal to 1]");
    }
  }
  return Ok{};
}

/// The body's Cors checked as AWS does (kept as given).
Result<bj::object> checkedCors(const bj::value& value) {
  if (!value.is_object()) return validationError("1 validation error detected: Value at 'cors' must be a structure");
  const bj::object& cors = value.get_object();
  if (auto st = checkStrings(cors, "AllowHeaders", "allowHeaders", 100, 1024); !st) return st.takeError();
  if (auto st = checkStrings(cors, "ExposeHeaders", "exposeHeaders", 100, 1024); !st) return st.takeError();
  if (auto st = checkStrings(cors, "AllowMethods", "allowMethods", 6, 6); !st) return st.takeError();
  if (auto st = checkStrings(cors, "AllowOrigins", "allowOrigins", 100, 253); !st) return st.takeError();
  if (const bj::value* m = cors.if_contains("MaxAge"); m && !m->is_null()) {
    if (!m->is_int64() || m->get_int64() < 0 || m->get_int64() > 86400) {
      return validationError("1 validation error detected: Value '" + bj::serialize(*m).substr(0, 40) +
                             "' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or "
                             "equal to 86400");
    }
  }
  if (const bj::value* c = cors.if_contains("AllowCredentials"); c && !c->is_null() && !c->is_bool()) {
    return validationError("1 validation error detected: Value at 'cors.allowCredentials' must be a boolean");
  }
  bj::object kept;
  for (const char* key :
       {"AllowCredentials", "AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders", "MaxAge"}) {
    if (const bj::value* v = cors.if_contains(key); v && !v->is_null()) kept[key] = *v;
  }
  return kept;
}

/// A Create/UpdateFunctionUrlConfig body and its Cors, checked (AuthType required to create).
struct CheckedBody {
  bj::object body;
  std::optional<bj::object> cors;
};
Result<CheckedBody> checkedBody(const AdminCall& call, bool creating) {
  auto body = call.json();
  if (!body) return body.takeError();
  if (auto st = checkEnum(*body, "AuthType", "authType", {"AWS_IAM", "NONE"}, creating); !st) return st.takeError();
  if (auto st = checkEnum(*body, "InvokeMode", "invokeMode", {"BUFFERED", "RESPONSE_STREAM"}, false); !st) {
    return st.takeError();
  }
  CheckedBody out{std::move(*body), std::nullopt};
  if (const bj::value* c = out.body.if_contains("Cors"); c && !c->is_null()) {
    auto cors = checkedCors(*c);
    if (!cors) return cors.takeError();
    out.cors = std::move(*cors);
  }
  return out;
}

/// The configuration as Lambda answers it.
bj::object published(LambdaContext& ctx, const std::string& urlId, const bj::object& stored, bool created) {
  const std::string name = json::strOr(stored, "FunctionName", "");
  const std::string qualifier = json::strOr(stored, "Qualifier", "");
  bj::object out{{"FunctionUrl", functionUrl(ctx, urlId)},
                 {"FunctionArn", ctx.catalog.functionArn(name, qualifier)},
                 {"AuthType", stored.at("AuthType")},
                 {"CreationTime", stored.at("CreationTime")},
                 {"InvokeMode", json::strOr(stored, "InvokeMode", "BUFFERED")}};
  if (const bj::value* c = stored.if_contains("Cors")) out["Cors"] = *c;
  if (!created) out["LastModifiedTime"] = stored.at("LastModifiedTime");
  return out;
}

/// The call's function and URL qualifier, the function's document and its URL's id ("" when
/// it has none), under ctx.mu.
struct LoadedUrl {
  functions::FunctionRef ref;
  std::string qualifier;
  std::unique_lock<std::mutex> lock;
  bj::object doc;
  std::string urlId;
};

Result<LoadedUrl> loadUrl(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::unique_lock lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  auto qualifier = urlQualifier(ctx, *ref);
  if (!qualifier) return qualifier.takeError();
  std::string urlId;
  if (const bj::object* urls = json::obj(*doc, kUrls)) urlId = json::strOr(*urls, *qualifier, "");
  return LoadedUrl{std::move(*ref), std::move(*qualifier), std::move(lock), std::move(*doc), std::move(urlId)};
}

std::optional<bj::object> loadStored(LambdaContext& ctx, const std::string& urlId) {
  if (urlId.empty()) return std::nullopt;
  auto d = ctx.store.get(kFunctionUrlKind, "", urlId);
  if (!d) return std::nullopt;
  return json::parseObject(d->body);
}

void saveStored(LambdaContext& ctx, const std::string& urlId, const bj::object& stored) {
  ctx.store.put(store::Document{std::string(kFunctionUrlKind), "", urlId, bj::serialize(stored), 0});
}

Result<AdminReply> createUrl(LambdaContext& ctx, const AdminCall& call) {
  auto checked = checkedBody(call, true);
  if (!checked) return checked.takeError();
  auto& [body, cors] = *checked;
  auto u = loadUrl(ctx, call);
  if (!u) return u.takeError();
  if (!u->urlId.empty()) {
    return resourceConflict("Failed to create function url config for [functionArn = " +
                            ctx.catalog.functionArn(u->ref.name, u->qualifier) +
                            "]. Error message:  FunctionUrlConfig exists for this Lambda function");
  }
  const std::string urlId = ctx.ids.alnum(32);
  const std::string now = ctx.lastModifiedNow();
  bj::object stored{{"FunctionName", u->ref.name},
                    {"Qualifier", u->qualifier},
                    {"AuthType", body.at("AuthType")},
                    {"InvokeMode", json::strOr(body, "InvokeMode", "BUFFERED")},
                    {"CreationTime", now},
                    {"LastModifiedTime", now}};
  if (cors) stored["Cors"] = std::move(*cors);
  json::objAt(u->doc, kUrls)[u->qualifier] = urlId;
  ctx.store.transaction([&] {
    saveStored(ctx, urlId, stored);
    saveFunction(ctx, u->ref.name, u->doc);
  });
  return jsonReply(201, published(ctx, urlId, stored, true));
}

Result<AdminReply> updateUrl(LambdaContext& ctx, const AdminCall& call) {
  auto checked = checkedBody(call, false);
  if (!checked) return checked.takeError();
  auto& [body, cors] = *checked;
  auto u = loadUrl(ctx, call);
  if (!u) return u.takeError();
  auto stored = loadStored(ctx, u->urlId);
  if (!stored) return notFound();
  if (auto a = json::str(body, "AuthType")) (*stored)["AuthType"] = *a;
  if (auto m = json::str(body, "InvokeMode")) (*stored)["InvokeMode"] = *m;
  if (cors) (*stored)["Cors"] = std::move(*cors);
  (*stored)["LastModifiedTime"] = ctx.lastModifiedNow();
  saveStored(ctx, u->urlId, *stored);
  return jsonReply(200, published(ctx, u->urlId, *stored, false));
}

Result<AdminReply> getUrl(LambdaContext& ctx, const AdminCall& call) {
  auto u = loadUrl(ctx, call);
  if (!u) return u.takeError();
  auto stored = loadStored(ctx, u->urlId);
  if (!stored) return notFound();
  return jsonReply(200, published(ctx, u->urlId, *stored, false));
}

Result<AdminReply> deleteUrl(LambdaContext& ctx, const AdminCall& call) {
  auto u = loadUrl(ctx, call);
  if (!u) return u.takeError();
  if (u->urlId.empty()) return notFound();
  json::objAt(u->doc, kUrls).erase(u->qualifier);
  ctx.store.transaction([&] {
    ctx.store.remove(kFunctionUrlKind, "", u->urlId);
    saveFunction(ctx, u->ref.name, u->doc);
  });
  return noContent();
}

Result<AdminReply> listUrls(LambdaContext& ctx, const AdminCall& call) {
  auto page = listPage(call, 50, 50);
  if (!page) return page.takeError();
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  std::vector<bj::value> items;
  if (const bj::object* urls = json::obj(*doc, kUrls)) {
    for (const auto& [qualifier, id] : *urls) {
      if (!id.is_string()) continue;
      const std::string urlId(id.get_string());
      if (auto stored = loadStored(ctx, urlId)) items.emplace_back(published(ctx, urlId, *stored, false));
    }
  }
  return jsonReply(200, pagedItems("FunctionUrlConfigs", std::move(items), *page));
}

}  // namespace

std::string functionUrl(const LambdaContext& ctx, const std::string& urlId) {
  return "http://" + urlId + ".lambda-url." + ctx.region + ".localhost" +
         (ctx.functionUrlPort.empty() ? std::string() : ":" + ctx.functionUrlPort) + "/";
}

void deleteFunctionUrls(LambdaContext& ctx, bj::object& doc, std::optional<std::string_view> qualifier) {
  bj::object* urls = json::obj(doc, kUrls);
  if (!urls) return;
  std::vector<std::string> gone;
  for (const auto& [q, id] : *urls) {
    if (qualifier && q != *qualifier) continue;
    if (id.is_string()) ctx.store.remove(kFunctionUrlKind, "", std::string(id.get_string()));
    gone.emplace_back(q);
  }
  for (const auto& q : gone) urls->erase(q);
}

void registerFunctionUrlRoutes(RouteTable& routes, LambdaContext& ctx) {
  constexpr const char* kPath = "2021-10-31/functions/{}/url";
  routes.add(verb::post, kPath, [&ctx](const AdminCall& c) { return createUrl(ctx, c); });
  routes.add(verb::put, kPath, [&ctx](const AdminCall& c) { return updateUrl(ctx, c); });
  routes.add(verb::get, kPath, [&ctx](const AdminCall& c) { return getUrl(ctx, c); });
  routes.add(verb::delete_, kPath, [&ctx](const AdminCall& c) { return deleteUrl(ctx, c); });
  routes.add(verb::get, "2021-10-31/functions/{}/urls", [&ctx](const AdminCall& c) { return listUrls(ctx, c); });
}

}  // namespace portico::control::lambda
