#include "gateway/domain_registry.h"

#include <gtest/gtest.h>

namespace portico::gateway {
namespace {

/// AWS's worked example (rest-api-mappings): (none)→API1, orders/v1/items→API2,
/// orders/v2/items→API3, orders/v2/items/categories→API4, longest first as publishDomains sorts.
CustomDomain example() {
  CustomDomain d;
  d.name = "api.example.test";
  d.mappings = {{"orders/v2/items/categories", "api4", "prod"},
                {"orders/v1/items", "api2", "prod"},
                {"orders/v2/items", "api3", "prod"},
                {"", "api1", "prod"}};
  return d;
}

TEST(DomainRoutes, TheLongestMatchingBasePathWinsThenTheEmptyOne) {
  const CustomDomain d = example();
  auto a = resolveDomainPath(d, "/orders/v1/items/123");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->apiId, "api2");
  EXPECT_EQ(a->path, "/123");
  EXPECT_EQ(a->basePathMatched, "orders/v1/items");
  auto b = resolveDomainPath(d, "/orders/v2/items/categories/5");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->apiId, "api4");
  EXPECT_EQ(b->path, "/5");
  auto c = resolveDomainPath(d, "/customers");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->apiId, "api1");
  EXPECT_EQ(c->path, "/customers");
  EXPECT_EQ(c->basePathMatched, "");
  auto exact = resolveDomainPath(d, "/orders/v1/items");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->apiId, "api2");
  EXPECT_EQ(exact->path, "/");
}

TEST(DomainRoutes, ABasePathMatchesWholeSegmentsOnly) {
  CustomDomain d;
  d.mappings = {{"v1", "a", "prod"}};
  EXPECT_FALSE(resolveDomainPath(d, "/v10/x"));
  EXPECT_FALSE(resolveDomainPath(d, "/"));
  ASSERT_TRUE(resolveDomainPath(d, "/v1/x"));
}

TEST(DomainRoutes, AMappingWithoutAStageTakesItFromThePath) {
  CustomDomain d;
  d.mappings = {{"v1", "a", ""}, {"", "b", ""}};
  auto t = resolveDomainPath(d, "/v1/beta/pets/1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->stage, "beta");
  EXPECT_EQ(t->path, "/pets/1");
  auto root = resolveDomainPath(d, "/dev");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->apiId, "b");
  EXPECT_EQ(root->stage, "dev");
  EXPECT_EQ(root->path, "/");
  EXPECT_FALSE(resolveDomainPath(d, "/"));  // no stage to take
}

TEST(DomainRegistry, HostsAreFoundWithoutPortOrCaseAndWildcardsAfterExactNames) {
  DomainRegistry registry;
  EXPECT_TRUE(registry.empty());
  EXPECT_FALSE(registry.find("api.example.test"));
  DomainRegistry::Map map;
  auto exact = std::make_shared<CustomDomain>();
  exact->name = "api.example.test";
  auto wildcard = std::make_shared<CustomDomain>();
  wildcard->name = "*.example.test";
  map[exact->name] = exact;
  map[wildcard->name] = wildcard;
  registry.replace(std::move(map));
  EXPECT_EQ(registry.find("API.Example.Test:8080"), exact);
  EXPECT_EQ(registry.find("api.example.test."), exact);
  EXPECT_EQ(registry.find("other.example.test"), wildcard);
  EXPECT_FALSE(registry.find("a.b.example.test"));
  EXPECT_FALSE(registry.find("example.test"));
  EXPECT_FALSE(registry.find("[::1]:8080"));
  EXPECT_FALSE(registry.find("abc.execute-api.localhost"));
}

}  // namespace
}  // namespace portico::gateway
