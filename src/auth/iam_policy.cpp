#include "auth/iam_policy.h"

#include <boost/json.hpp>
#include <utility>

#include "auth/wildcard_match.h"

namespace portico::auth {
namespace {

namespace bj = boost::json;

ApiError malformed(std::string what) {
  return {"AuthorizerConfigurationException", 500, "Invalid policy document: " + std::move(what)};
}

// One of the pattern elements of a statement: Action or NotAction, Resource or NotResource.
struct Element {
  bool negated = false;
  std::vector<std::string> patterns;
};

Result<Element> readElement(const bj::object& statement, std::string_view name, std::string_view notName) {
  const bj::value* plain = statement.if_contains(name);
  const bj::value* negated = statement.if_contains(notName);
  if (plain && negated) return malformed("a statement has both " + std::string(name) + " and " + std::string(notName));
  if (!plain && !negated) return malformed("a statement has no " + std::string(name));
  Element element;
  element.negated = negated != nullptr;
  const bj::value& value = plain ? *plain : *negated;
  const std::string label(plain ? name : notName);
  if (value.is_string()) {
    element.patterns.emplace_back(value.get_string());
    return element;
  }
  if (!value.is_array() || value.get_array().empty()) {
    return malformed(label + " must be a string or a non-empty array of strings");
  }
  for (const bj::value& item : value.get_array()) {
    if (!item.is_string()) return malformed(label + " must be a string or a non-empty array of strings");
    element.patterns.emplace_back(item.get_string());
  }
  return element;
}

bool matchesAny(const std::vector<std::string>& patterns, std::string_view text, bool ignoreCase) {
  for (const std::string& pattern : patterns) {
    if (wildcardMatch(pattern, text, ignoreCase)) return true;
  }
  return false;
}

}  // namespace

Result<IamPolicy> IamPolicy::parse(const bj::value& policyDocument) {
  if (!policyDocument.is_object()) return malformed("the policy is not a JSON object");
  const bj::value* statements = policyDocument.get_object().if_contains("Statement");
  if (!statements) return malformed("no Statement");
  // Statement may be a single statement object or an array of them.
  const bj::value* first = statements;
  const bj::value* last = statements + 1;
  if (statements->is_array()) {
    first = statements->get_array().data();
    last = first + statements->get_array().size();
  }

  IamPolicy policy;
  for (const bj::value* it = first; it != last; ++it) {
    if (!it->is_object()) return malformed("a statement is not a JSON object");
    const bj::object& raw = it->get_object();
    Statement statement;
    const bj::value* effect = raw.if_contains("Effect");
    if (effect && effect->is_string() && effect->get_string() == "Allow") {
      statement.deny = false;
    } else if (effect && effect->is_string() && effect->get_string() == "Deny") {
      statement.deny = true;
    } else {
      return malformed("Effect must be \"Allow\" or \"Deny\"");
    }
    auto actions = readElement(raw, "Action", "NotAction");
    if (!actions) return actions.takeError();
    auto resources = readElement(raw, "Resource", "NotResource");
    if (!resources) return resources.takeError();
    statement.notAction = actions->negated;
    statement.actions = std::move(actions->patterns);
    statement.notResource = resources->negated;
    statement.resources = std::move(resources->patterns);
    statement.hasCondition = raw.contains("Condition");
    policy.statements_.push_back(std::move(statement));
  }
  return policy;
}

bool IamPolicy::applies(const Statement& statement, std::string_view methodArn, std::string_view action) {
  if (matchesAny(statement.actions, action, /*ignoreCase=*/true) == statement.notAction) return false;
  return matchesAny(statement.resources, methodArn, /*ignoreCase=*/false) != statement.notResource;
}

PolicyDecision IamPolicy::evaluate(std::string_view methodArn, std::string_view action) const {
  bool allowed = false;
  for (const Statement& statement : statements_) {
    if (!applies(statement, methodArn, action)) continue;
    // Unevaluated conditions fail closed (see the header): a Deny holds, an Allow does not.
    if (statement.deny) return PolicyDecision::kExplicitDeny;
    if (!statement.hasCondition) allowed = true;
  }
  return allowed ? PolicyDecision::kAllow : PolicyDecision::kImplicitDeny;
}

Result<PolicyDecision> evaluatePolicy(const bj::value& policyDocument, std::string_view methodArn,
                                      std::string_view action) {
  auto policy = IamPolicy::parse(policyDocument);
  if (!policy) return policy.takeError();
  return policy->evaluate(methodArn, action);
}

std::string methodArn(const MethodArnParts& parts) {
  std::string_view path = parts.path;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string arn = "arn:aws:execute-api:";
  for (std::string_view piece :
       {parts.region, std::string_view(":"), parts.accountId, std::string_view(":"), parts.apiId, std::string_view("/"),
        parts.stage, std::string_view("/"), parts.verb, std::string_view("/"), path}) {
    arn += piece;
  }
  return arn;
}

}  // namespace portico::auth
