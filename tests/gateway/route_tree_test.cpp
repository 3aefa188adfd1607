// The route tree built from a deployment's resources (route_tree.h), and the router over it.
#include "gateway/route_tree.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/router.h"

namespace portico::gateway {
namespace {
namespace bj = boost::json;

bj::object resource(const char* id, const char* parent, const char* path, const char* part,
                    std::initializer_list<const char*> verbs = {}) {
  bj::object methods;
  for (const char* verb : verbs) methods[verb] = bj::object{{"httpMethod", verb}};
  bj::object out{{"id", id}, {"path", path}, {"resourceMethods", std::move(methods)}};
  if (parent) {
    out["parentId"] = parent;
    out["pathPart"] = part;
  }
  return out;
}

/// A method compiler that records what it was given.
Result<std::unique_ptr<CompiledMethod>> recordMethod(const bj::object& m, const RouteNode& node) {
  auto out = std::make_unique<CompiledMethod>();
  out->httpMethod = bj::value_to<std::string>(m.at("httpMethod"));
  out->resourceId = node.resourceId;
  out->resourcePath = node.resourcePath;
  return out;
}

/// /, /pets, /pets/{petId}, /pets/{petId}/photos, /files/{path+}; children listed before parents.
bj::array petResources() {
  return bj::array{resource("photos", "pet", "/pets/{petId}/photos", "photos", {"GET"}),
                   resource("pet", "pets", "/pets/{petId}", "{petId}", {"GET", "DELETE"}),
                   resource("root", nullptr, "/", nullptr, {"GET"}),
                   resource("pets", "root", "/pets", "pets", {"GET", "POST"}),
                   resource("files", "root", "/files", "files"),
                   resource("path", "files", "/files/{path+}", "{path+}", {"ANY"})};
}

TEST(RouteTree, EachPathPartKindGoesToItsSlot) {
  RouteNode root;
  ASSERT_TRUE(buildRouteTree(petResources(), root, recordMethod));
  EXPECT_EQ(root.resourceId, "root");
  EXPECT_EQ(root.resourcePath, "/");
  ASSERT_TRUE(root.literals.contains("pets"));
  const RouteNode& pets = *root.literals.at("pets");
  EXPECT_EQ(pets.resourceId, "pets");
  ASSERT_TRUE(pets.variable);
  EXPECT_EQ(pets.variableName, "petId");
  EXPECT_EQ(pets.variable->resourceId, "pet");
  EXPECT_FALSE(pets.greedy);
  ASSERT_TRUE(pets.variable->literals.contains("photos"));
  const RouteNode& files = *root.literals.at("files");
  ASSERT_TRUE(files.greedy);
  EXPECT_EQ(files.greedyName, "path");
  EXPECT_FALSE(files.variable);
  EXPECT_TRUE(files.literals.empty());
}

TEST(RouteTree, MethodsAreCompiledForTheirNode) {
  RouteNode root;
  ASSERT_TRUE(buildRouteTree(petResources(), root, recordMethod));
  const RouteNode& pet = *root.literals.at("pets")->variable;
  ASSERT_EQ(pet.methods.size(), 2u);
  EXPECT_EQ(pet.methods.at("DELETE")->httpMethod, "DELETE");
  EXPECT_EQ(pet.methods.at("GET")->resourceId, "pet");
  EXPECT_EQ(pet.methods.at("GET")->resourcePath, "/pets/{petId}");
  EXPECT_TRUE(root.literals.at("files")->methods.empty());
}

TEST(RouteTree, TheRouterWalksTheBuiltTree) {
  RouteNode root;
  ASSERT_TRUE(buildRouteTree(petResources(), root, recordMethod));
  auto photos = route(root, "/pets/42/photos", "GET");
  ASSERT_TRUE(photos);
  EXPECT_EQ(photos->resource->resourceId, "photos");
  EXPECT_EQ(photos->pathParams.at("petId"), "42");
  auto file = route(root, "/files/a/b%20c", "PUT");
  ASSERT_TRUE(file && file->method);
  EXPECT_EQ(file->method->httpMethod, "ANY");
  EXPECT_EQ(file->pathParams.at("path"), "a/b%20c");
  EXPECT_FALSE(route(root, "/files", "GET")->method);  // the resource exists, without GET
  EXPECT_FALSE(route(root, "/nope", "GET"));
}

TEST(RouteTree, NoRootIsAnError) {
  RouteNode root;
  bj::array resources{resource("pets", "root", "/pets", "pets", {"GET"})};
  auto built = buildRouteTree(resources, root, recordMethod);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().message, "deployment has no root resource");
  EXPECT_FALSE(buildRouteTree(bj::array{}, root, recordMethod));
}

TEST(RouteTree, AMethodErrorStopsTheBuild) {
  RouteNode root;
  auto failing = [](const bj::object& m, const RouteNode& node) -> Result<std::unique_ptr<CompiledMethod>> {
    if (node.resourceId == "pet") return ApiError::badRequest("bad method");
    return recordMethod(m, node);
  };
  auto built = buildRouteTree(petResources(), root, failing);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().message, "bad method");
}

TEST(RouteTree, OrphansAreLeftOutAndTheFirstOfTwoLiteralsIsKept) {
  RouteNode root;
  bj::array resources{resource("root", nullptr, "/", nullptr), resource("a", "root", "/x", "x", {"GET"}),
                      resource("b", "root", "/x", "x", {"POST"}), resource("orphan", "gone", "/gone/y", "y")};
  ASSERT_TRUE(buildRouteTree(resources, root, recordMethod));
  ASSERT_EQ(root.literals.size(), 1u);
  EXPECT_EQ(root.literals.at("x")->resourceId, "a");
  EXPECT_EQ(findResource(root, "orphan"), nullptr);
  EXPECT_EQ(findResource(root, "b"), nullptr);
}

TEST(RouteTree, AttachChildReportsWhereTheChildWent) {
  RouteNode parent;
  auto literal = std::make_unique<RouteNode>();
  RouteNode* expected = literal.get();
  EXPECT_EQ(attachChild(parent, "x", std::move(literal)), expected);
  EXPECT_EQ(attachChild(parent, "x", std::make_unique<RouteNode>()), nullptr);
  EXPECT_NE(attachChild(parent, "{id}", std::make_unique<RouteNode>()), nullptr);
  EXPECT_EQ(parent.variableName, "id");
  EXPECT_NE(attachChild(parent, "{rest+}", std::make_unique<RouteNode>()), nullptr);
  EXPECT_EQ(parent.greedyName, "rest");
  // "{}" names no variable: a literal path part.
  EXPECT_NE(attachChild(parent, "{}", std::make_unique<RouteNode>()), nullptr);
  EXPECT_TRUE(parent.literals.contains("{}"));
}

TEST(RouteTree, FindResourceSearchesEveryKindOfChild) {
  RouteNode root;
  ASSERT_TRUE(buildRouteTree(petResources(), root, recordMethod));
  for (const char* id : {"root", "pets", "pet", "photos", "files", "path"}) {
    const RouteNode* node = findResource(root, id);
    ASSERT_NE(node, nullptr) << id;
    EXPECT_EQ(node->resourceId, id);
  }
  EXPECT_EQ(findResource(root, "unknown"), nullptr);
}

}  // namespace
}  // namespace portico::gateway
