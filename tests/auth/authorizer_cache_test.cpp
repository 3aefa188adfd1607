#include "auth/authorizer_cache.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace portico::auth {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const Authorization> allowAll(const std::string& principal) {
  auto policy = IamPolicy::parse(boost::json::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]})"));
  EXPECT_TRUE(policy);
  return std::make_shared<const Authorization>(Authorization{std::move(policy).value(), principal, {}, {}});
}

TEST(AuthorizerCache, KeepsForTheTtl) {
  AuthorizerCache cache;
  auto t = AuthorizerCache::Clock::time_point(1000s);
  cache.put("a", allowAll("p1"), 300s, t);
  cache.put("zero", allowAll("p2"), 0s, t);
  ASSERT_TRUE(cache.find("a", t + 299s));
  EXPECT_EQ(cache.find("a", t + 299s)->principalId, "p1");
  EXPECT_EQ(cache.find("a", t + 299s)->policy.evaluate("arn:aws:execute-api:r:a:api/dev/GET/x"),
            PolicyDecision::kAllow);
  EXPECT_FALSE(cache.find("a", t + 300s));
  EXPECT_FALSE(cache.find("zero", t));
  EXPECT_FALSE(cache.find("missing", t));
}

TEST(AuthorizerCache, BoundedInSize) {
  AuthorizerCache cache(4);
  auto t = AuthorizerCache::Clock::time_point(1000s);
  for (int i = 0; i < 10; ++i) cache.put("k" + std::to_string(i), allowAll("p"), 60s, t);
  int live = 0;
  for (int i = 0; i < 10; ++i) live += cache.find("k" + std::to_string(i), t) ? 1 : 0;
  EXPECT_LE(live, 4);
  EXPECT_TRUE(cache.find("k9", t));
}

}  // namespace
}  // namespace portico::auth
