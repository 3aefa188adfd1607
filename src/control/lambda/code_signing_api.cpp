// Code signing configurations (Create / Get / Update / Delete / ListCodeSigningConfigs,
// ListFunctionsByCodeSigningConfig on /2020-04-22/code-signing-configs), a function's
// (Put / Get / DeleteFunctionCodeSigningConfig on /2020-06-30/functions/{name}/code-signing-config)
// and its recursion setting (Get / PutFunctionRecursionConfig on
// /2024-08-31/functions/{name}/recursion-config): stored with AWS's shapes and checks. Portico
// verifies no signatures (there is no AWS Signer) and detects no recursive loops: docs/ says so.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateCodeSigningConfig.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kCodeSigningKind = "code_signing_config";  // scope "", id = csc-...

std::string cscArn(const LambdaContext& ctx, const std::string& id) {
  return "arn:aws:lambda:" + ctx.catalog.region() + ":" + ctx.catalog.accountId() + ":code-signing-config:" + id;
}

/// The config id in an ARN of this region and account, or "" when it is not one.
std::string cscIdOf(const LambdaContext& ctx, std::string_view arn) {
  static const RE2 pattern("arn:aws:lambda:([a-z0-9-]+):(\\d{12}):code-signing-config:(csc-[a-z0-9]{17})");
  std::string region, account, id;
  if (!RE2::FullMatch(arn, pattern, &region, &account, &id)) return "";
  if (region != ctx.catalog.region() || account != ctx.catalog.accountId()) return "";
  return id;
}

ApiError badArn(std::string_view arn) {
  return validationError("1 validation error detected: Value '" + std::string(arn.substr(0, 200)) +
                         "' at 'codeSigningConfigArn' failed to satisfy constraint: Member must satisfy regular "
                         "expression pattern: arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:"
                         "\\d{12}:code-signing-config:csc-[a-z0-9]{17}");
}

ApiError cscNotFound(std::string_view arn) {
  return ApiError::lambda("ResourceNotFoundException", 404,
                          "The code signing configuration cannot be found. Check that the provided configuration is "
                          "not deleted: " +
                              std::string(arn.substr(0, 200)) + ".");
}

/// AllowedPublishers, CodeSigningPolicies and Description of a body, checked; absent ones left out.
Result<bj::object> checkedFields(const bj::object& body, bool creating) {
  bj::object out;
  if (const bj::value* p = body.if_contains("AllowedPublishers"); p && !p->is_null()) {
    const bj::value* arns = p->is_object() ? p->get_object().if_contains("SigningProfileVersionArns") : nullptr;
    if (!arns || !arns->is_array() || arns->get_array().empty() || arns->get_array().size() > 20 ||
        !std::ranges::all_of(arns->get_array(), [](const bj::value& a) {
          return a.is_string() && std::string_view(a.get_string()).starts_with("arn:") && a.get_string().size() <= 1024;
        })) {
      return validationError(
          "1 validation error detected: Value at 'allowedPublishers.signingProfileVersionArns' failed to satisfy "
          "constraint: Member must have length less than or equal to 20, Member must have length greater than or "
          "equal to 1");
    }
    out["AllowedPublishers"] = bj::object{{"SigningProfileVersionArns", *arns}};
  } else if (creating) {
    return validationError(
        "1 validation error detected: Value null at 'allowedPublishers' failed to satisfy constraint: Member must "
        "not be null");
  }
  if (const bj::value* p = body.if_contains("CodeSigningPolicies"); p && !p->is_null()) {
    const bj::value* policy = p->is_object() ? p->get_object().if_contains("UntrustedArtifactOnDeployment") : nullptr;
    std::string value = policy && policy->is_string() ? std::string(policy->get_string()) : "Warn";
    if (value != "Warn" && value != "Enforce") {
      return validationError("1 validation error detected: Value '" + value.substr(0, 40) +
                             "' at 'codeSigningPolicies.untrustedArtifactOnDeployment' failed to satisfy constraint: "
                             "Member must satisfy enum value set: [Enforce, Warn]");
    }
    out["CodeSigningPolicies"] = bj::object{{"UntrustedArtifactOnDeployment", value}};
  } else if (creating) {
    out["CodeSigningPolicies"] = bj::object{{"UntrustedArtifactOnDeployment", "Warn"}};
  }
  auto description = descriptionOf(body);
  if (!description) return description.takeError();
  if (*description) {
    out["Description"] = **description;
  } else if (creating) {
    out["Description"] = "";
  }
  return out;
}

std::optional<bj::object> loadCsc(LambdaContext& ctx, const std::string& id) {
  if (id.empty()) return std::nullopt;
  auto d = ctx.store.get(kCodeSigningKind, "", id);
  if (!d) return std::nullopt;
  return json::parseObject(d->body);
}

void saveCsc(LambdaContext& ctx, const std::string& id, const bj::object& config) {
  ctx.store.put(store::Document{std::string(kCodeSigningKind), "", id, bj::serialize(config), 0});
}

/// The functions whose document names this configuration.
std::vector<std::string> functionsUsing(LambdaContext& ctx, const std::string& arn) {
  std::vector<std::string> out;
  for (auto& d : ctx.store.list(functions::kFunctionKind, "")) {
    auto doc = json::parseObject(d.body);
    if (doc && json::strOr(*doc, "codeSigningConfigArn", "") == arn) out.push_back(ctx.catalog.functionArn(d.id));
  }
  return out;
}

void registerCodeSigningConfigs(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::post, "2020-04-22/code-signing-configs", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    auto fields = checkedFields(*body, true);
    if (!fields) return fields.takeError();
    std::lock_guard lock(ctx.mu);
    const std::string id = "csc-" + ctx.ids.alnum(17);
    bj::object config{{"CodeSigningConfigId", id}, {"CodeSigningConfigArn", cscArn(ctx, id)}};
    for (auto& [k, v] : *fields) config[k] = v;
    config["LastModified"] = ctx.lastModifiedNow();
    saveCsc(ctx, id, config);
    return jsonReply(201, bj::object{{"CodeSigningConfig", config}});
  });
  routes.add(verb::get, "2020-04-22/code-signing-configs", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto page = listPage(call, 50, 10000);
    if (!page) return page.takeError();
    std::lock_guard lock(ctx.mu);
    std::vector<bj::value> items;
    for (auto& d : ctx.store.list(kCodeSigningKind, "")) {
      if (auto c = json::parseObject(d.body)) items.emplace_back(std::move(*c));
    }
    return jsonReply(200, pagedItems("CodeSigningConfigs", std::move(items), *page));
  });
  routes.add(verb::get, "2020-04-22/code-signing-configs/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    const std::string id = cscIdOf(ctx, call.params[0]);
    if (id.empty() && !call.params[0].starts_with("arn:aws:lambda:")) return badArn(call.params[0]);
    std::lock_guard lock(ctx.mu);
    auto config = loadCsc(ctx, id);
    if (!config) return cscNotFound(call.params[0]);
    return jsonReply(200, bj::object{{"CodeSigningConfig", *config}});
  });
  routes.add(verb::put, "2020-04-22/code-signing-configs/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    const std::string id = cscIdOf(ctx, call.params[0]);
    if (id.empty() && !call.params[0].starts_with("arn:aws:lambda:")) return badArn(call.params[0]);
    auto body = call.json();
    if (!body) return body.takeError();
    auto fields = checkedFields(*body, false);
    if (!fields) return fields.takeError();
    std::lock_guard lock(ctx.mu);
    auto config = loadCsc(ctx, id);
    if (!config) return cscNotFound(call.params[0]);
    for (auto& [k, v] : *fields) (*config)[k] = v;
    (*config)["LastModified"] = ctx.lastModifiedNow();
    saveCsc(ctx, id, *config);
    return jsonReply(200, bj::object{{"CodeSigningConfig", *config}});
  });
  routes.add(verb::delete_, "2020-04-22/code-signing-configs/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    const std::string id = cscIdOf(ctx, call.params[0]);
    if (id.empty() && !call.params[0].starts_with("arn:aws:lambda:")) return badArn(call.params[0]);
    std::lock_guard lock(ctx.mu);
    auto config = loadCsc(ctx, id);
    if (!config) return cscNotFound(call.params[0]);
    if (auto users = functionsUsing(ctx, cscArn(ctx, id)); !users.empty()) {
      return resourceConflict("The code signing configuration cannot be deleted because it is used by a function: " +
                              users.front());
    }
    ctx.store.remove(kCodeSigningKind, "", id);
    return noContent();
  });
  routes.add(verb::get, "2020-04-22/code-signing-configs/{}/functions",
             [&ctx](const AdminCall& call) -> Result<AdminReply> {
               const std::string id = cscIdOf(ctx, call.params[0]);
               if (id.empty() && !call.params[0].starts_with("arn:aws:lambda:")) return badArn(call.params[0]);
               auto page = listPage(call, 50, 10000);
               if (!page) return page.takeError();
               std::lock_guard lock(ctx.mu);
               if (!loadCsc(ctx, id)) return cscNotFound(call.params[0]);
               std::vector<bj::value> arns;
               for (auto& arn : functionsUsing(ctx, cscArn(ctx, id))) arns.emplace_back(std::move(arn));
               return jsonReply(200, pagedItems("FunctionArns", std::move(arns), *page));
             });
}

void registerFunctionSettings(RouteTable& routes, LambdaContext& ctx) {
  constexpr const char* kCsc = "2020-06-30/functions/{}/code-signing-config";
  routes.add(verb::put, kCsc, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    const std::string arn = json::strOr(*body, "CodeSigningConfigArn", "");
    const std::string id = cscIdOf(ctx, arn);
    if (id.empty() && !arn.starts_with("arn:aws:lambda:")) return badArn(arn);
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    if (!loadCsc(ctx, id)) return cscNotFound(arn);
    (*doc)["codeSigningConfigArn"] = cscArn(ctx, id);
    saveFunction(ctx, ref->name, *doc);
    return jsonReply(200, bj::object{{"CodeSigningConfigArn", cscArn(ctx, id)}, {"FunctionName", ref->name}});
  });
  routes.add(verb::get, kCsc, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    // (Lambda answers an empty ARN for a function without one.)
    return jsonReply(200, bj::object{{"CodeSigningConfigArn", json::strOr(*doc, "codeSigningConfigArn", "")},
                                     {"FunctionName", ref->name}});
  });
  routes.add(verb::delete_, kCsc, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    doc->erase("codeSigningConfigArn");
    saveFunction(ctx, ref->name, *doc);
    return noContent();
  });

  constexpr const char* kRecursion = "2024-08-31/functions/{}/recursion-config";
  routes.add(verb::get, kRecursion, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    return jsonReply(200, bj::object{{"RecursiveLoop", json::strOr(*doc, "recursiveLoop", "Terminate")}});
  });
  routes.add(verb::put, kRecursion, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    const std::string loop = json::strOr(*body, "RecursiveLoop", "");
    if (loop != "Allow" && loop != "Terminate") {
      return validationError("1 validation error detected: Value '" + loop.substr(0, 40) +
                             "' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: "
                             "[Terminate, Allow]");
    }
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    (*doc)["recursiveLoop"] = loop;
    saveFunction(ctx, ref->name, *doc);
    return jsonReply(200, bj::object{{"RecursiveLoop", loop}});
  });
}

}  // namespace

void registerCodeSigningRoutes(RouteTable& routes, LambdaContext& ctx) {
  registerCodeSigningConfigs(routes, ctx);
  registerFunctionSettings(routes, ctx);
}

}  // namespace portico::control::lambda
