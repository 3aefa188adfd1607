// The bounds on API Gateway's names, descriptions and resource policies.
#include "control/apigateway/input_limits.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace portico::control::apigateway {
namespace {
namespace bj = boost::json;

TEST(InputLimits, CountsCharactersNotBytes) {
  EXPECT_EQ(charCount("abc"), 3u);
  EXPECT_EQ(charCount("\xc3\xa9\xc3\xa9"), 2u);      // é é
  EXPECT_EQ(charCount("\xf0\x9f\x98\x80"), 1u);      // one emoji, four bytes
  EXPECT_EQ(charCount(std::string(1, '\x80')), 0u);  // a lone continuation byte starts nothing
}

TEST(InputLimits, NamesAreBoundedAndPrintable) {
  EXPECT_TRUE(checkNameAndDescription(bj::object{{"name", std::string(1024, 'n')}}, "REST API"));
  auto tooLong = checkNameAndDescription(bj::object{{"name", std::string(1025, 'n')}}, "API Key");
  ASSERT_FALSE(tooLong);
  EXPECT_EQ(tooLong.error().message, "Invalid API Key name, can be at most 1024 characters.");
  EXPECT_EQ(tooLong.error().status, 400);
  EXPECT_FALSE(checkNameAndDescription(bj::object{{"name", std::string("a\0b", 3)}}, "REST API"));
  EXPECT_FALSE(checkNameAndDescription(bj::object{{"name", "tab\there"}}, "REST API"));
  EXPECT_FALSE(checkNameAndDescription(bj::object{{"name", "del\x7f"}}, "REST API"));
  // Descriptions may hold line breaks and tabs, not other control characters.
  EXPECT_TRUE(checkNameAndDescription(bj::object{{"description", "a\r\n\tb"}}, "REST API"));
  EXPECT_FALSE(checkNameAndDescription(bj::object{{"description", "bell\x07"}}, "REST API"));
  EXPECT_FALSE(checkNameAndDescription(bj::object{{"description", std::string(125001, 'd')}}, "REST API"));
  EXPECT_TRUE(checkNameAndDescription(bj::object{{"id", "no name at all"}}, "REST API"));
}

TEST(InputLimits, ResourcePoliciesAreIamDocuments) {
  const std::string good =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke",)"
      R"("Resource":"*"}]})";
  EXPECT_TRUE(checkResourcePolicy(bj::object{{"policy", good}}));
  EXPECT_TRUE(checkResourcePolicy(bj::object{{"policy", ""}}));  // removes it
  EXPECT_TRUE(checkResourcePolicy(bj::object{}));
  for (const char* bad :
       {"not json", "{", R"({"Version":"2012-10-17"})", "[]", R"({"Statement":[{"Effect":"Maybe"}]})"}) {
    auto st = checkResourcePolicy(bj::object{{"policy", bad}});
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().message,
              "Invalid policy document. Please check the policy syntax and ensure that Principals are valid.");
  }
  std::string huge = good;
  huge.insert(huge.find("\"*\"}]"), std::string(9000, 'r'));
  EXPECT_FALSE(checkResourcePolicy(bj::object{{"policy", huge}}));
  EXPECT_FALSE(checkResourcePolicy(bj::object{{"policy", 42}}));
}

}  // namespace
}  // namespace portico::control::apigateway
