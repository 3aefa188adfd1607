// IamPolicy: the IAM policy document a Lambda authorizer returns, parsed once and evaluated
// against method ARNs (aws-behaviour.md §6; API Gateway developer guide,
// api-gateway-lambda-authorizer-output and api-gateway-control-access-using-iam-policies-to-invoke-api).
//
// API Gateway caches an authorizer's policy and reuses it for every method of the API, so the
// document is validated and parsed once (IamPolicy::parse) and then only read per request
// (IamPolicy::evaluate). The rules are IAM's: an explicit Deny wins over any Allow, and with no
// matching Allow the request is implicitly denied.
#pragma once
#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace portico::auth {

/// The action API Gateway asks about when a client calls a method.
inline constexpr std::string_view kInvokeAction = "execute-api:Invoke";

/// The outcome of evaluating a policy for one request. Only kAllow lets the request through;
/// the gateway answers both denials with 403 ACCESS_DENIED.
enum class PolicyDecision { kAllow, kExplicitDeny, kImplicitDeny };

class IamPolicy {
 public:
  /// Parses a policyDocument: {"Version": ..., "Statement": statement | [statement, ...]}, each
  /// statement {"Effect": "Allow"|"Deny", "Action"|"NotAction": s, "Resource"|"NotResource": s}
  /// where s is a string or a non-empty array of strings. Effect is case-sensitive, as in IAM;
  /// Version, Sid and Principal are not checked. An empty Statement array is valid and denies
  /// everything.
  ///
  /// A malformed document (not an object, no Statement, a statement that is not an object, a
  /// missing or unknown Effect, Action/NotAction or Resource/NotResource missing, both present,
  /// or of the wrong type) is an ApiError AuthorizerConfigurationException (500) whose message
  /// says what is wrong; AWS answers such a policy with AUTHORIZER_CONFIGURATION_ERROR.
  ///
  /// Conditions are not evaluated. They fail closed: an Allow statement with a Condition never
  /// applies, and a Deny statement with a Condition applies as if the condition held.
  static Result<IamPolicy> parse(const boost::json::value& policyDocument);

  /// The decision for calling `methodArn` (see methodArn() below) with `action`. Actions compare
  /// ASCII-case-insensitively and resources case-sensitively, both with '*' and '?' wildcards
  /// (wildcard_match.h).
  PolicyDecision evaluate(std::string_view methodArn, std::string_view action = kInvokeAction) const;

 private:
  struct Statement {
    bool deny = false;
    bool notAction = false;    // `actions` lists NotAction patterns
    bool notResource = false;  // `resources` lists NotResource patterns
    bool hasCondition = false;
    std::vector<std::string> actions;
    std::vector<std::string> resources;
  };
  static bool applies(const Statement& statement, std::string_view methodArn, std::string_view action);

  std::vector<Statement> statements_;
};

/// Parses and evaluates in one go, for a policy that is used once.
Result<PolicyDecision> evaluatePolicy(const boost::json::value& policyDocument, std::string_view methodArn,
                                      std::string_view action = kInvokeAction);

/// The parts of a method ARN, as the gateway knows them for a request.
struct MethodArnParts {
  std::string_view region;     // "us-east-1"
  std::string_view accountId;  // "123456789012"
  std::string_view apiId;      // the REST API id
  std::string_view stage;      // "dev"
  std::string_view verb;       // the HTTP method, "GET"
  std::string_view path;       // the request path without the stage, "/pets/42" (not "/pets/{id}")
};

/// "arn:aws:execute-api:{region}:{accountId}:{apiId}/{stage}/{verb}/{path without its leading '/'}",
/// the methodArn of a TOKEN/REQUEST authorizer event and the resource a policy is evaluated on;
/// the root path "/" gives a trailing "/". The parts are copied as given (no encoding).
std::string methodArn(const MethodArnParts& parts);

}  // namespace portico::auth
