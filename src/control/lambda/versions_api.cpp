// PublishVersion, ListVersionsByFunction. https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/function_configuration.h"
#include "control/lambda/versions.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;

Result<bj::object> publishVersion(LambdaContext& ctx, const std::string& name, bj::object& doc,
                                  const std::string& description) {
  bj::object& latest = json::objAt(doc, "config");
  std::string revision = json::strOr(latest, "RevisionId", "");
  // Nothing changed since the last publish: Lambda returns that version again.
  if (json::strOr(doc, "publishedRevision", "") == revision) {
    auto v =
        ctx.store.get(functions::kVersionKind, functions::versionScope(name), json::strOr(doc, "publishedVersion", ""));
    if (v) {
      if (auto vd = json::parseObject(v->body)) return json::objAt(*vd, "config");
    }
  }
  std::int64_t n = doc["nextVersion"].is_int64() ? doc["nextVersion"].as_int64() : 1;
  std::string version = std::to_string(n);
  bj::object config = latest;
  config["Version"] = version;
  config["FunctionArn"] = ctx.catalog.functionArn(name, version);
  if (!description.empty()) config["Description"] = description;
  config["RevisionId"] = ctx.ids.uuid();
  bj::object vdoc{{"config", config}, {"codeHex", doc["codeHex"]}};
  if (const bj::value* layers = doc.if_contains("layerHexes")) vdoc["layerHexes"] = *layers;
  ctx.store.put(store::Document{std::string(functions::kVersionKind), functions::versionScope(name), version,
                                bj::serialize(vdoc), 0});
  doc["nextVersion"] = n + 1;
  doc["publishedRevision"] = revision;
  doc["publishedVersion"] = version;
  saveFunction(ctx, name, doc);
  return config;
}

bool versionExists(LambdaContext& ctx, const std::string& name, const std::string& version) {
  if (version == "$LATEST") return true;
  return ctx.store.get(functions::kVersionKind, functions::versionScope(name), version).has_value();
}

Result<std::string> resolveQualifierVersion(LambdaContext& ctx, const functions::FunctionRef& ref) {
  const std::string& q = ref.qualifier;
  if (q.empty() || q == "$LATEST") return std::string("$LATEST");
  if (std::all_of(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (!versionExists(ctx, ref.name, q)) return ctx.catalog.notFound(ref);
    return q;
  }
  auto alias = ctx.store.get(functions::kAliasKind, functions::versionScope(ref.name), q);
  if (!alias) return ctx.catalog.notFound(ref);
  auto a = json::parseObject(alias->body);
  if (!a) return ctx.catalog.notFound(ref);
  return json::strOr(*a, "FunctionVersion", "$LATEST");
}

Status deleteVersion(LambdaContext& ctx, const functions::FunctionRef& ref) {
  if (!versionExists(ctx, ref.name, ref.qualifier)) return ctx.catalog.notFound(ref);
  std::string users;
  for (auto& d : ctx.store.list(functions::kAliasKind, functions::versionScope(ref.name))) {
    auto a = json::parseObject(d.body);
    if (!a) continue;
    bool uses = json::strOr(*a, "FunctionVersion", "") == ref.qualifier;
    if (auto* rc = json::obj(*a, "RoutingConfig")) {
      if (auto* w = json::obj(*rc, "AdditionalVersionWeights"); w && w->contains(ref.qualifier)) uses = true;
    }
    if (uses) users += (users.empty() ? "" : ", ") + d.id;
  }
  if (!users.empty()) {
    return resourceConflict("Unable to delete version because the following aliases reference it: [" + users + "]");
  }
  ctx.store.remove(functions::kVersionKind, functions::versionScope(ref.name), ref.qualifier);
  return Ok{};
}

void registerVersionRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::post, "2015-03-31/functions/{}/versions", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto u = beginFunctionUpdate(ctx, call);
    if (!u) return u.takeError();
    bj::object& latest = u->config();
    if (auto sha = json::str(u->body, "CodeSha256"); sha && *sha != json::strOr(latest, "CodeSha256", "")) {
      return invalidParameter("CodeSHA256 (" + *sha + ") is different from current CodeSHA256 in $LATEST (" +
                              json::strOr(latest, "CodeSha256", "") +
                              "). Please try again with the CodeSHA256 in $LATEST.");
    }
    Result<bj::object> version = ApiError::internal("not published");
    ctx.store.transaction(
        [&] { version = publishVersion(ctx, u->ref.name, u->doc, json::strOr(u->body, "Description", "")); });
    if (!version) return version.takeError();
    return jsonReply(201, publicConfiguration(ctx, *version));
  });

  routes.add(verb::get, "2015-03-31/functions/{}/versions", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::array versions;
    versions.push_back(latestConfiguration(ctx, json::objAt(*doc, "config")));
    for (auto& d : ctx.store.list(functions::kVersionKind, functions::versionScope(ref->name))) {
      if (auto v = json::parseObject(d.body)) versions.push_back(publicConfiguration(ctx, json::objAt(*v, "config")));
    }
    return jsonReply(200, bj::object{{"Versions", std::move(versions)}});
  });
}

}  // namespace portico::control::lambda
