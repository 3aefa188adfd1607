// Tests for IamPolicy: a table of Lambda authorizer policies evaluated against one method ARN
// (wildcards in each ARN segment, '?', arrays, Deny over Allow, NotAction/NotResource, action
// case, conditions, malformed documents), plus parse-once reuse and the method ARN builder.
#include "auth/iam_policy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace portico::auth {
namespace {

namespace bj = boost::json;

constexpr const char* kArn = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/42";

enum class Expect { kAllow, kExplicitDeny, kImplicitDeny, kMalformed };

struct PolicyCase {
  const char* name;
  const char* document;  // the policyDocument as JSON text
  Expect expect;
  const char* arn = kArn;  // the method ARN evaluated
  const char* action = "execute-api:Invoke";
};

// Most cases are one statement; these build its JSON text.
std::string allowOn(const char* resource) {
  return std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",)") +
         R"("Resource":")" + resource + R"("}]})";
}
std::string allowAction(const char* action) {
  return std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")") + action +
         R"(","Resource":"*"}]})";
}

// The strings must outlive the table, so the built documents live in statics.
const std::string kExact = allowOn(kArn);
const std::string kStar = allowOn("*");
const std::string kRegionStar = allowOn("arn:aws:execute-api:*:123456789012:abc123/dev/GET/pets/42");
const std::string kAccountStar = allowOn("arn:aws:execute-api:us-east-1:*:abc123/dev/GET/pets/42");
const std::string kApiStar = allowOn("arn:aws:execute-api:us-east-1:123456789012:*/dev/GET/pets/42");
const std::string kStageStar = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets/42");
const std::string kVerbStar = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/pets/42");
const std::string kPathStar = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/*");
const std::string kApiAllMethods = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/*");
const std::string kAcrossColons = allowOn("arn:aws:*/pets/42");
const std::string kPrefixStars = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc*/dev/GET/pe*s/*");
const std::string kOtherApi = allowOn("arn:aws:execute-api:us-east-1:123456789012:xyz789/dev/GET/pets/42");
const std::string kOtherVerb = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/pets/42");
const std::string kParentPath = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets");
const std::string kQuestionLast = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/4?");
const std::string kQuestionExtra = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/42?");
const std::string kQuestionVerb = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/G?T/pets/??");
const std::string kQuestionRegion = allowOn("arn:aws:execute-api:us-east-?:123456789012:abc123/dev/GET/pets/42");
const std::string kLowerVerb = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/get/pets/42");
const std::string kUpperPath = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/PETS/42");
const std::string kRootExact = allowOn("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/");
const std::string kActionUpper = allowAction("EXECUTE-API:invoke");
const std::string kActionService = allowAction("execute-api:*");
const std::string kActionStar = allowAction("*");
const std::string kActionQuestion = allowAction("execute-api:Invok?");
const std::string kActionOther = allowAction("execute-api:InvalidateCache");
const std::string kActionOtherService = allowAction("lambda:InvokeFunction");

const PolicyCase kCases[] = {
    // Resource wildcards in each segment of the ARN.
    {"exact_arn", kExact.c_str(), Expect::kAllow},
    {"resource_star", kStar.c_str(), Expect::kAllow},
    {"region_star", kRegionStar.c_str(), Expect::kAllow},
    {"account_star", kAccountStar.c_str(), Expect::kAllow},
    {"api_id_star", kApiStar.c_str(), Expect::kAllow},
    {"stage_star", kStageStar.c_str(), Expect::kAllow},
    {"verb_star", kVerbStar.c_str(), Expect::kAllow},
    {"path_star", kPathStar.c_str(), Expect::kAllow},
    {"star_spans_slashes", kApiAllMethods.c_str(), Expect::kAllow},
    {"star_spans_colons", kAcrossColons.c_str(), Expect::kAllow},
    {"stars_inside_segments", kPrefixStars.c_str(), Expect::kAllow},
    {"other_api", kOtherApi.c_str(), Expect::kImplicitDeny},
    {"other_verb", kOtherVerb.c_str(), Expect::kImplicitDeny},
    {"parent_path_is_not_a_prefix_match", kParentPath.c_str(), Expect::kImplicitDeny},
    {"star_policy_other_stage", kStageStar.c_str(), Expect::kAllow,
     "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42"},
    {"path_star_matches_root", kPathStar.c_str(), Expect::kAllow,
     "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/"},
    {"root_exact", kRootExact.c_str(), Expect::kAllow, "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/"},
    {"root_exact_not_child", kRootExact.c_str(), Expect::kImplicitDeny},
    // '?' is exactly one character.
    {"question_last_char", kQuestionLast.c_str(), Expect::kAllow},
    {"question_needs_a_char", kQuestionExtra.c_str(), Expect::kImplicitDeny},
    {"question_in_verb_and_path", kQuestionVerb.c_str(), Expect::kAllow},
    {"question_path_too_long", kQuestionVerb.c_str(), Expect::kImplicitDeny,
     "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/420"},
    {"question_in_region", kQuestionRegion.c_str(), Expect::kAllow},
    // Resources are case-sensitive, actions are not.
    {"resource_verb_case", kLowerVerb.c_str(), Expect::kImplicitDeny},
    {"resource_path_case", kUpperPath.c_str(), Expect::kImplicitDeny},
    {"action_case_insensitive", kActionUpper.c_str(), Expect::kAllow},
    {"action_service_star", kActionService.c_str(), Expect::kAllow},
    {"action_star", kActionStar.c_str(), Expect::kAllow},
    {"action_question", kActionQuestion.c_str(), Expect::kAllow},
    {"action_other", kActionOther.c_str(), Expect::kImplicitDeny},
    {"action_other_service", kActionOtherService.c_str(), Expect::kImplicitDeny},
    {"asked_other_action", kActionService.c_str(), Expect::kAllow, kArn, "execute-api:InvalidateCache"},
    {"asked_other_action_not_granted", kExact.c_str(), Expect::kImplicitDeny, kArn, "execute-api:InvalidateCache"},
    // Arrays and the single-statement form.
    {"resource_array", R"({"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
       "Resource":["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/*",
                   "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/*"]}]})",
     Expect::kAllow},
    {"resource_array_none_match", R"({"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
       "Resource":["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/*",
                   "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*"]}]})",
     Expect::kImplicitDeny},
    {"action_array", R"({"Statement":[{"Effect":"Allow",
       "Action":["execute-api:InvalidateCache","execute-api:Invoke"],"Resource":"*"}]})",
     Expect::kAllow},
    {"statement_object", R"({"Version":"2012-10-17",
       "Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}})",
     Expect::kAllow},
    {"empty_statement_array", R"({"Version":"2012-10-17","Statement":[]})", Expect::kImplicitDeny},
    {"extra_members_ignored", R"({"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"s1","Effect":"Allow",
       "Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]})",
     Expect::kAllow},
    // An explicit Deny wins, whatever the order.
    {"deny_after_allow", R"({"Statement":[
       {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},
       {"Effect":"Deny","Action":"execute-api:Invoke",
        "Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/*"}]})",
     Expect::kExplicitDeny},
    {"deny_before_allow", R"({"Statement":[
       {"Effect":"Deny","Action":"*","Resource":"*"},
       {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]})",
     Expect::kExplicitDeny},
    {"deny_elsewhere_allow_here", R"({"Statement":[
       {"Effect":"Deny","Action":"execute-api:Invoke",
        "Resource":"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/DELETE/*"},
       {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]})",
     Expect::kAllow},
    {"deny_only", R"({"Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*"}]})",
     Expect::kExplicitDeny},
    {"deny_other_action_only", R"({"Statement":[
       {"Effect":"Deny","Action":"execute-api:InvalidateCache","Resource":"*"},
       {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]})",
     Expect::kAllow},
    // NotAction / NotResource.
    {"not_resource_excludes_this", R"({"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
       "NotResource":"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/*"}]})",
     Expect::kImplicitDeny},
    {"not_resource_excludes_other", R"({"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke",
       "NotResource":["arn:aws:execute-api:*:*:*/*/POST/*","arn:aws:execute-api:*:*:*/*/PUT/*"]}]})",
     Expect::kAllow},
    {"not_action_other", R"({"Statement":[{"Effect":"Allow","NotAction":"execute-api:InvalidateCache",
       "Resource":"*"}]})",
     Expect::kAllow},
    {"not_action_covers_invoke", R"({"Statement":[{"Effect":"Allow","NotAction":"EXECUTE-API:*",
       "Resource":"*"}]})",
     Expect::kImplicitDeny},
    {"deny_not_resource", R"({"Statement":[
       {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},
       {"Effect":"Deny","Action":"execute-api:Invoke",
        "NotResource":"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/*"}]})",
     Expect::kExplicitDeny, "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/DELETE/pets/42"},
    // Conditions are not evaluated and fail closed.
    {"condition_on_allow", R"({"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*",
       "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
     Expect::kImplicitDeny},
    {"condition_on_deny", R"({"Statement":[
       {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},
       {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"*",
        "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
     Expect::kExplicitDeny},
    // Malformed documents.
    {"not_an_object", R"(["Allow"])", Expect::kMalformed},
    {"a_string", R"("Allow")", Expect::kMalformed},
    {"no_statement", R"({"Version":"2012-10-17"})", Expect::kMalformed},
    {"lowercase_statement_key", R"({"statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
     Expect::kMalformed},
    {"statement_string", R"({"Statement":"Allow"})", Expect::kMalformed},
    {"statement_item_not_object", R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},"x"]})",
     Expect::kMalformed},
    {"lowercase_effect", R"({"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]})", Expect::kMalformed},
    {"unknown_effect", R"({"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]})", Expect::kMalformed},
    {"missing_effect", R"({"Statement":[{"Action":"*","Resource":"*"}]})", Expect::kMalformed},
    {"effect_not_string", R"({"Statement":[{"Effect":true,"Action":"*","Resource":"*"}]})", Expect::kMalformed},
    {"missing_action", R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})", Expect::kMalformed},
    {"action_number", R"({"Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]})", Expect::kMalformed},
    {"action_array_with_number", R"({"Statement":[{"Effect":"Allow","Action":["*",5],"Resource":"*"}]})",
     Expect::kMalformed},
    {"action_and_not_action", R"({"Statement":[{"Effect":"Allow","Action":"*","NotAction":"x","Resource":"*"}]})",
     Expect::kMalformed},
    {"missing_resource", R"({"Statement":[{"Effect":"Allow","Action":"*"}]})", Expect::kMalformed},
    {"resource_object", R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":{"arn":"*"}}]})",
     Expect::kMalformed},
    {"resource_null", R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":null}]})", Expect::kMalformed},
    {"empty_resource_array", R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":[]}]})", Expect::kMalformed},
    {"resource_and_not_resource", R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
       "NotResource":"*"}]})",
     Expect::kMalformed},
    {"malformed_after_allow", R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
       {"Effect":"Deny","Action":"*"}]})",
     Expect::kMalformed},
};

class IamPolicyTable : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(IamPolicyTable, Evaluates) {
  const PolicyCase& c = GetParam();
  const bj::value document = bj::parse(c.document);
  auto decision = evaluatePolicy(document, c.arn, c.action);
  if (c.expect == Expect::kMalformed) {
    ASSERT_FALSE(decision.ok());
    EXPECT_EQ(decision.error().type, "AuthorizerConfigurationException");
    EXPECT_EQ(decision.error().status, 500);
    EXPECT_FALSE(decision.error().message.empty());
    return;
  }
  ASSERT_TRUE(decision.ok()) << decision.error().message;
  switch (c.expect) {
    case Expect::kAllow:
      EXPECT_EQ(*decision, PolicyDecision::kAllow);
      break;
    case Expect::kExplicitDeny:
      EXPECT_EQ(*decision, PolicyDecision::kExplicitDeny);
      break;
    default:
      EXPECT_EQ(*decision, PolicyDecision::kImplicitDeny);
  }
}

INSTANTIATE_TEST_SUITE_P(IamPolicy, IamPolicyTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<PolicyCase>& info) { return info.param.name; });

TEST(IamPolicy, ParsedOnceEvaluatesManyArns) {
  // The shape of a typical authorizer's cached policy: everything under GET, except one path.
  auto policy = IamPolicy::parse(bj::parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:1:abc/dev/GET/*"},
      {"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:1:abc/dev/GET/admin*"}]})"));
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy->evaluate("arn:aws:execute-api:us-east-1:1:abc/dev/GET/pets"), PolicyDecision::kAllow);
  EXPECT_EQ(policy->evaluate("arn:aws:execute-api:us-east-1:1:abc/dev/GET/"), PolicyDecision::kAllow);
  EXPECT_EQ(policy->evaluate("arn:aws:execute-api:us-east-1:1:abc/dev/GET/admin/users"), PolicyDecision::kExplicitDeny);
  EXPECT_EQ(policy->evaluate("arn:aws:execute-api:us-east-1:1:abc/dev/POST/pets"), PolicyDecision::kImplicitDeny);
  EXPECT_EQ(policy->evaluate("arn:aws:execute-api:us-east-1:1:abc/dev/GET/pets", "execute-api:InvalidateCache"),
            PolicyDecision::kImplicitDeny);
}

TEST(IamPolicy, MalformedMessageSaysWhatIsWrong) {
  auto policy = IamPolicy::parse(bj::parse(R"({"Statement":[{"Effect":"Allow","Action":"*"}]})"));
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.error().message.find("Resource"), std::string::npos) << policy.error().message;
}

TEST(IamPolicy, BuildsMethodArns) {
  EXPECT_EQ(methodArn({.region = "us-east-1",
                       .accountId = "123456789012",
                       .apiId = "abc123",
                       .stage = "dev",
                       .verb = "GET",
                       .path = "/pets/42"}),
            "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/42");
  EXPECT_EQ(methodArn({"eu-west-1", "1", "api", "prod", "POST", "/"}),
            "arn:aws:execute-api:eu-west-1:1:api/prod/POST/");
  EXPECT_EQ(methodArn({"eu-west-1", "1", "api", "prod", "DELETE", "a/b"}),
            "arn:aws:execute-api:eu-west-1:1:api/prod/DELETE/a/b");
  EXPECT_EQ(methodArn({"eu-west-1", "1", "api", "prod", "GET", ""}), "arn:aws:execute-api:eu-west-1:1:api/prod/GET/");
  // Only one leading slash is the separator; the path is otherwise kept as given.
  EXPECT_EQ(methodArn({"r", "1", "api", "s", "GET", "//x/"}), "arn:aws:execute-api:r:1:api/s/GET//x/");
}

TEST(IamPolicy, BuiltArnMatchesTheUsualPolicyShapes) {
  const std::string arn = methodArn({"us-east-1", "123456789012", "abc123", "dev", "GET", "/pets/42"});
  for (const char* resource : {"arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/42",
                               "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets/*",
                               "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*"}) {
    auto decision = evaluatePolicy(bj::parse(allowOn(resource)), arn);
    ASSERT_TRUE(decision.ok());
    EXPECT_EQ(*decision, PolicyDecision::kAllow) << resource;
  }
}

}  // namespace
}  // namespace portico::auth
