// Resource policy: AddPermission, GetPolicy, RemovePermission. Statements are stored
// and returned as Lambda words them; Portico does not enforce them (callers are
// authenticated by SigV4 against Portico's own credentials).
// https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// Policies are per qualifier: "" ($LATEST/unqualified), a version or an alias.
std::string policyKey(const functions::FunctionRef& ref) {
  return ref.qualifier.empty() ? "policy" : "policy:" + ref.qualifier;
}

/// The function's policy for the call's qualifier, loaded under ctx.mu; `statements` is null when
/// there is none yet.
struct LoadedPolicy {
  functions::FunctionRef ref;
  std::unique_lock<std::mutex> lock;
  bj::object doc;
  bj::object* policy = nullptr;
  bj::array* statements = nullptr;
};

Result<LoadedPolicy> loadPolicy(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::unique_lock lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  return LoadedPolicy{std::move(*ref), std::move(lock), std::move(*doc)};
}

void findStatements(LoadedPolicy& p) {
  p.policy = json::obj(p.doc, policyKey(p.ref));
  auto* s = p.policy ? p.policy->if_contains("Statement") : nullptr;
  p.statements = s && s->is_array() ? &s->get_array() : nullptr;
}

}  // namespace

void registerPolicyRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::post, "2015-03-31/functions/{}/policy", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    std::string sid = json::strOr(*body, "StatementId", "");
    std::string action = json::strOr(*body, "Action", "");
    std::string principal = json::strOr(*body, "Principal", "");
    if (sid.empty() || action.empty() || principal.empty()) {
      return validationError("1 validation error detected: StatementId, Action and Principal must not be null");
    }
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::array& statements = json::objAt(*doc, policyKey(*ref))["Statement"].emplace_array();
    bj::array existing = statements;
    for (auto& s : existing) {
      if (s.is_object() && json::strOr(s.get_object(), "Sid", "") == sid) {
        return resourceConflict(
            "The statement id (" + sid +
            ") provided already exists. Please provide a new statement id, or remove the existing statement.");
      }
    }
    bj::object statement{{"Sid", sid}, {"Effect", "Allow"}};
    if (principal.find(".amazonaws.com") != std::string::npos) {
      statement["Principal"] = bj::object{{"Service", principal}};
    } else if (principal == "*") {
      statement["Principal"] = "*";
    } else {
      std::string arn = principal.find(':') == std::string::npos ? "arn:aws:iam::" + principal + ":root" : principal;
      statement["Principal"] = bj::object{{"AWS", arn}};
    }
    statement["Action"] = action;
    statement["Resource"] = ctx.catalog.functionArn(ref->name, ref->qualifier);
    bj::object condition;
    if (auto a = json::str(*body, "SourceArn")) condition["ArnLike"] = bj::object{{"AWS:SourceArn", *a}};
    if (auto a = json::str(*body, "SourceAccount")) condition["StringEquals"] = bj::object{{"AWS:SourceAccount", *a}};
    if (auto a = json::str(*body, "PrincipalOrgID")) {
      json::objAt(condition, "StringEquals")["aws:PrincipalOrgID"] = *a;
    }
    if (!condition.empty()) statement["Condition"] = std::move(condition);
    existing.push_back(statement);
    json::objAt(*doc, policyKey(*ref))["Statement"] = std::move(existing);
    json::objAt(*doc, policyKey(*ref))["RevisionId"] = ctx.ids.uuid();
    saveFunction(ctx, ref->name, *doc);
    return jsonReply(201, bj::object{{"Statement", bj::serialize(statement)}});
  });

  routes.add(verb::get, "2015-03-31/functions/{}/policy", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto p = loadPolicy(ctx, call);
    if (!p) return p.takeError();
    findStatements(*p);
    if (!p->statements || p->statements->empty()) {
      return ApiError::lambda("ResourceNotFoundException", 404, "The resource you requested does not exist.");
    }
    bj::object text{{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", *p->statements}};
    return jsonReply(200, bj::object{{"Policy", bj::serialize(text)}, {"RevisionId", (*p->policy)["RevisionId"]}});
  });

  routes.add(verb::delete_, "2015-03-31/functions/{}/policy/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto p = loadPolicy(ctx, call);
    if (!p) return p.takeError();
    findStatements(*p);
    bool removed = false;
    if (p->statements) {
      auto& arr = *p->statements;
      for (auto it = arr.begin(); it != arr.end(); ++it) {
        if (it->is_object() && json::strOr(it->get_object(), "Sid", "") == call.params[1]) {
          arr.erase(it);
          removed = true;
          break;
        }
      }
    }
    if (!removed) {
      return ApiError::lambda("ResourceNotFoundException", 404,
                              "Statement " + call.params[1] + " is not found in resource policy.");
    }
    (*p->policy)["RevisionId"] = ctx.ids.uuid();
    saveFunction(ctx, p->ref.name, p->doc);
    return noContent();
  });
}

}  // namespace portico::control::lambda
