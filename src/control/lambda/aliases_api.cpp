// Aliases: CreateAlias, GetAlias, ListAliases, UpdateAlias, DeleteAlias.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/function_urls.h"
#include "control/lambda/versions.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

bool validAliasName(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  bool allDigits = true;
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    if (!std::isdigit(static_cast<unsigned char>(c))) allDigits = false;
  }
  return !allDigits;
}

/// Validates FunctionVersion, Description and RoutingConfig from body into alias.
Status applyAlias(LambdaContext& ctx, const std::string& name, bj::object& alias, const bj::object& body) {
  if (auto v = json::str(body, "FunctionVersion")) {
    if (!versionExists(ctx, name, *v)) {
      return ApiError::lambda("ResourceNotFoundException", 404,
                              "Function not found: " + ctx.catalog.functionArn(name, *v));
    }
    alias["FunctionVersion"] = *v;
  }
  if (auto d = json::str(body, "Description")) alias["Description"] = *d;
  if (auto* rc = json::obj(body, "RoutingConfig")) {
    bj::object weights;
    if (auto* w = json::obj(*rc, "AdditionalVersionWeights")) weights = *w;
    if (weights.size() > 1) return invalidParameter("Number of weights in RoutingConfig must be at most 1");
    for (auto& [v, weight] : weights) {
      double x = weight.is_double() ? weight.get_double() : weight.is_int64() ? double(weight.get_int64()) : -1;
      if (x < 0 || x > 1) {
        return validationError(
            "1 validation error detected: Value at 'routingConfig.additionalVersionWeights' failed "
            "to satisfy constraint: Map value must satisfy constraint: [Member must have value "
            "less than or equal to 1.0, Member must have value greater than or equal to 0.0]");
      }
      if (!versionExists(ctx, name, std::string(v))) {
        return ApiError::lambda("ResourceNotFoundException", 404,
                                "Function not found: " + ctx.catalog.functionArn(name, std::string(v)));
      }
      if (std::string_view(v) == json::strOr(alias, "FunctionVersion", "")) {
        return invalidParameter("Invalid function version " + std::string(v) + ". Function version " + std::string(v) +
                                " is already included in routing configuration.");
      }
      if (json::strOr(alias, "FunctionVersion", "") == "$LATEST") {
        return invalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
      }
    }
    if (weights.empty()) {
      alias.erase("RoutingConfig");
    } else {
      alias["RoutingConfig"] = bj::object{{"AdditionalVersionWeights", std::move(weights)}};
    }
  }
  alias["RevisionId"] = ctx.ids.uuid();
  return Ok{};
}

Result<bj::object> loadAlias(LambdaContext& ctx, const std::string& name, const std::string& alias) {
  auto d = ctx.store.get(functions::kAliasKind, functions::versionScope(name), alias);
  auto a = d ? json::parseObject(d->body) : std::nullopt;
  if (!a) {
    return ApiError::lambda("ResourceNotFoundException", 404,
                            "Alias not found: " + ctx.catalog.functionArn(name, alias));
  }
  return std::move(*a);
}

void saveAlias(LambdaContext& ctx, const std::string& name, const bj::object& alias) {
  ctx.store.put(store::Document{std::string(functions::kAliasKind), functions::versionScope(name),
                                json::strOr(alias, "Name", ""), bj::serialize(alias), 0});
}

}  // namespace

void registerAliasRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::post, "2015-03-31/functions/{}/aliases", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = ctx.catalog.parseRef(call.params[0]);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    std::string aliasName = json::strOr(*body, "Name", "");
    if (!validAliasName(aliasName)) {
      return validationError("1 validation error detected: Value '" + aliasName +
                             "' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
    }
    if (!body->contains("FunctionVersion")) {
      return validationError(
          "1 validation error detected: Value null at 'functionVersion' failed to satisfy "
          "constraint: Member must not be null");
    }
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    if (ctx.store.get(functions::kAliasKind, functions::versionScope(ref->name), aliasName)) {
      return resourceConflict("Alias already exists: " + ctx.catalog.functionArn(ref->name, aliasName));
    }
    bj::object alias{
        {"AliasArn", ctx.catalog.functionArn(ref->name, aliasName)}, {"Name", aliasName}, {"Description", ""}};
    if (auto st = applyAlias(ctx, ref->name, alias, *body); !st) return st.takeError();
    saveAlias(ctx, ref->name, alias);
    return jsonReply(201, std::move(alias));
  });

  routes.add(verb::get, "2015-03-31/functions/{}/aliases", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = ctx.catalog.parseRef(call.params[0]);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    if (auto doc = loadFunction(ctx, *ref); !doc) return doc.takeError();
    auto only = call.queryParam("FunctionVersion");
    bj::array aliases;
    for (auto& d : ctx.store.list(functions::kAliasKind, functions::versionScope(ref->name))) {
      auto a = json::parseObject(d.body);
      if (a && (!only || json::strOr(*a, "FunctionVersion", "") == *only)) aliases.push_back(std::move(*a));
    }
    return jsonReply(200, bj::object{{"Aliases", std::move(aliases)}});
  });

  routes.add(verb::get, "2015-03-31/functions/{}/aliases/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = ctx.catalog.parseRef(call.params[0]);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    if (auto doc = loadFunction(ctx, *ref); !doc) return doc.takeError();
    auto alias = loadAlias(ctx, ref->name, call.params[1]);
    if (!alias) return alias.takeError();
    return jsonReply(200, std::move(alias).value());
  });

  routes.add(verb::put, "2015-03-31/functions/{}/aliases/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = ctx.catalog.parseRef(call.params[0]);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    if (auto doc = loadFunction(ctx, *ref); !doc) return doc.takeError();
    auto alias = loadAlias(ctx, ref->name, call.params[1]);
    if (!alias) return alias.takeError();
    if (auto st = checkRevision(*body, *alias); !st) return st.takeError();
    if (auto st = applyAlias(ctx, ref->name, *alias, *body); !st) return st.takeError();
    saveAlias(ctx, ref->name, *alias);
    return jsonReply(200, std::move(alias).value());
  });

  routes.add(verb::delete_, "2015-03-31/functions/{}/aliases/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = ctx.catalog.parseRef(call.params[0]);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    ctx.store.transaction([&] {
      deleteFunctionUrls(ctx, *doc, call.params[1]);  // an alias's URL goes with it, and its provisioning
      endProvisionedConcurrency(ctx, *doc, ref->name, call.params[1]);
      saveFunction(ctx, ref->name, *doc);
      ctx.store.remove(functions::kAliasKind, functions::versionScope(ref->name), call.params[1]);
    });
    return noContent();
  });
}

}  // namespace portico::control::lambda
