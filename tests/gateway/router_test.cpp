#include "gateway/router.h"

#include <gtest/gtest.h>

namespace portico::gateway {
namespace {

RouteNode& literal(RouteNode& parent, const std::string& part, const std::string& id) {
  auto node = std::make_unique<RouteNode>();
  node->resourceId = id;
  auto& ref = *node;
  parent.literals.emplace(part, std::move(node));
  return ref;
}

void addMethod(RouteNode& node, const std::string& verb) {
  auto m = std::make_unique<CompiledMethod>();
  m->httpMethod = verb;
  node.methods.emplace(verb, std::move(m));
}

/// /pets, /pets/special, /pets/{petId}, /pets/{petId}/photos, /{proxy+}
struct RouterTest : ::testing::Test {
  RouteNode root;
  void SetUp() override {
    root.resourceId = "root";
    auto& pets = literal(root, "pets", "pets");
    addMethod(pets, "GET");
    addMethod(pets, "ANY");
    auto& special = literal(pets, "special", "special");
    addMethod(special, "GET");
    pets.variable = std::make_unique<RouteNode>();
    pets.variableName = "petId";
    pets.variable->resourceId = "petId";
    addMethod(*pets.variable, "GET");
    auto& photos = literal(*pets.variable, "photos", "photos");
    addMethod(photos, "GET");
    root.greedy = std::make_unique<RouteNode>();
    root.greedyName = "proxy";
    root.greedy->resourceId = "proxy";
    addMethod(*root.greedy, "ANY");
  }
};

TEST_F(RouterTest, LiteralBeatsVariable) {
  auto m = route(root, "/pets/special", "GET");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "special");
  EXPECT_TRUE(m->pathParams.empty());
}

TEST_F(RouterTest, VariableCapturesDecodedSegment) {
  auto m = route(root, "/pets/a%20b", "GET");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "petId");
  EXPECT_EQ(m->pathParams.at("petId"), "a b");
}

TEST_F(RouterTest, BacktracksFromLiteralToVariable) {
  auto m = route(root, "/pets/special/photos", "GET");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "photos");
  EXPECT_EQ(m->pathParams.at("petId"), "special");
}

TEST_F(RouterTest, GreedyTakesTheRestRaw) {
  auto m = route(root, "/a/b%2Fc/d", "DELETE");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "proxy");
  EXPECT_EQ(m->pathParams.at("proxy"), "a/b%2Fc/d");
  ASSERT_NE(m->method, nullptr);
  EXPECT_EQ(m->method->httpMethod, "ANY");
}

TEST_F(RouterTest, GreedyDoesNotMatchItsParent) {
  auto m = route(root, "/", "GET");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "root");
  EXPECT_EQ(m->method, nullptr);
}

TEST_F(RouterTest, ExactVerbBeatsAny) {
  auto get = route(root, "/pets", "GET");
  ASSERT_TRUE(get && get->method);
  EXPECT_EQ(get->method->httpMethod, "GET");
  auto post = route(root, "/pets", "POST");
  ASSERT_TRUE(post && post->method);
  EXPECT_EQ(post->method->httpMethod, "ANY");
}

TEST_F(RouterTest, TrailingSlashIgnored) {
  auto m = route(root, "/pets/", "GET");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "pets");
}

TEST_F(RouterTest, MissingMethodOnLiteralResource) {
  auto m = route(root, "/pets/special", "POST");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resource->resourceId, "special");
  EXPECT_EQ(m->method, nullptr);
}

TEST(RouterNoGreedy, UnknownPathHasNoMatch) {
  RouteNode root;
  literal(root, "pets", "pets");
  EXPECT_FALSE(route(root, "/cats", "GET"));
}

}  // namespace
}  // namespace portico::gateway
