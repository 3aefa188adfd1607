// The preamble the documents under a REST API share (child_resource.h): the API and the child
// loaded or 404 in AWS's words, paged lists, patches checked before they are saved, deletes a
// check may refuse.
#include "control/apigateway/child_resource.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "support/apigateway_fixture.h"

namespace portico::control::apigateway {
namespace {
namespace bj = boost::json;
using boost::beast::http::verb;

constexpr std::string_view kThing = "thing";
constexpr ChildKind kThings{kThing, "Invalid Thing identifier specified"};
constexpr ChildKind kNamedThings{kThing, "Invalid thing name specified: ", true};
constexpr PatchField kThingFields[] = {{"/name", FieldKind::kString, "name"}};

class ChildResourceTest : public ApiGatewayFixture {
 protected:
  void SetUp() override {
    ApiGatewayFixture::SetUp();
    for (const char* id : {"a", "b", "c"}) saveDoc(*ctx_, kThing, "api1", id, bj::object{{"id", id}, {"name", id}});
  }

  static AdminCall call(verb method, std::vector<std::string> params, std::string_view body = "",
                        std::vector<std::pair<std::string, std::string>> query = {}) {
    return AdminCall{method, std::move(params), std::move(query), body};
  }
};

TEST_F(ChildResourceTest, NotFoundInAwsWords) {
  auto noApi = loadChild(*ctx_, kThings, "nope", "a");
  ASSERT_FALSE(noApi);
  EXPECT_EQ(noApi.error().type, "NotFoundException");
  EXPECT_EQ(noApi.error().status, 404);
  EXPECT_EQ(noApi.error().message, "Invalid API identifier specified 000000000000:nope");
  auto noChild = loadChild(*ctx_, kThings, "api1", "z");
  ASSERT_FALSE(noChild);
  EXPECT_EQ(noChild.error().message, "Invalid Thing identifier specified");
  EXPECT_EQ(loadChild(*ctx_, kNamedThings, "api1", "Pet").error().message, "Invalid thing name specified: Pet");
  auto found = loadChild(*ctx_, kThings, "api1", "b");
  ASSERT_TRUE(found);
  EXPECT_EQ(json::strOr(*found, "name", ""), "b");
  EXPECT_EQ(getChild(*ctx_, kThings, call(verb::get, {"api1", "z"})).error().status, 404);
  EXPECT_EQ(bodyOf(getChild(*ctx_, kThings, call(verb::get, {"api1", "c"}))).at("id"), "c");
}

TEST_F(ChildResourceTest, ListsArePaged) {
  auto first = listChildren(*ctx_, kThings, call(verb::get, {"api1"}, "", {{"limit", "2"}}));
  ASSERT_TRUE(first);
  EXPECT_EQ(bodyOf(first).at("item").as_array().size(), 2u);
  EXPECT_EQ(bodyOf(first).at("position"), "2");
  auto rest = listChildren(*ctx_, kThings, call(verb::get, {"api1"}, "", {{"position", "2"}}));
  ASSERT_TRUE(rest);
  EXPECT_EQ(bodyOf(rest).at("item").as_array().size(), 1u);
  EXPECT_FALSE(bodyOf(rest).contains("position"));
  for (const char* limit : {"0", "501", "abc", "10abc", "+5", " 5", ""}) {
    auto bad = listChildren(*ctx_, kThings, call(verb::get, {"api1"}, "", {{"limit", limit}}));
    ASSERT_FALSE(bad) << limit;
    EXPECT_EQ(bad.error().message, "Invalid limit specified. Must be between 1 and 500") << limit;
  }
  auto badPosition = listChildren(*ctx_, kThings, call(verb::get, {"api1"}, "", {{"position", "1x"}}));
  ASSERT_FALSE(badPosition);
  EXPECT_EQ(badPosition.error().message, "Invalid position specified");
  EXPECT_EQ(listChildren(*ctx_, kThings, call(verb::get, {"nope"})).error().status, 404);
}

TEST_F(ChildResourceTest, PatchesAreCheckedBeforeTheyAreSaved) {
  ChildOperations ops{kThingFields, [](const AdminCall&, const bj::object& doc) -> Status {
                        if (json::strOr(doc, "name", "") == "bad") return ApiError::badRequest("bad name");
                        return Ok{};
                      }};
  auto renamed = patchChild(*ctx_, kThings,
                            call(verb::patch, {"api1", "a"},
                                 R"({"patchOperations": [)"
                                 R"({"op": "replace", "path": "/name", "value": "ann"}]})"),
                            ops);
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->status, 200);
  EXPECT_EQ(bodyOf(renamed).at("name"), "ann");
  EXPECT_EQ(json::strOr(*loadDoc(*ctx_, kThing, "api1", "a"), "name", ""), "ann");

  auto refused = patchChild(*ctx_, kThings,
                            call(verb::patch, {"api1", "a"},
                                 R"({"patchOperations": [)"
                                 R"({"op": "replace", "path": "/name", "value": "bad"}]})"),
                            ops);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "bad name");
  EXPECT_EQ(json::strOr(*loadDoc(*ctx_, kThing, "api1", "a"), "name", ""), "ann");
  EXPECT_FALSE(patchChild(*ctx_, kThings, call(verb::patch, {"api1", "a"}, "not json"), ops));
  EXPECT_EQ(patchChild(*ctx_, kThings, call(verb::patch, {"api1", "z"}, "{}"), ops).error().status, 404);
}

TEST_F(ChildResourceTest, DeletesMayBeRefused) {
  ChildOperations ops;
  ops.mayDelete = [](const AdminCall& call, const bj::object&) -> Status {
    if (call.params[1] == "b") return ApiError::conflict("in use");
    return Ok{};
  };
  auto refused = deleteChild(*ctx_, kThings, call(verb::delete_, {"api1", "b"}), ops);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "ConflictException");
  EXPECT_TRUE(loadDoc(*ctx_, kThing, "api1", "b"));
  auto deleted = deleteChild(*ctx_, kThings, call(verb::delete_, {"api1", "a"}), ops);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 202);
  EXPECT_FALSE(deleted->body);
  EXPECT_FALSE(loadDoc(*ctx_, kThing, "api1", "a"));

  std::vector<std::string> removed;
  ops.remove = [&](const AdminCall& call) { removed.push_back(call.params[1]); };
  ASSERT_TRUE(deleteChild(*ctx_, kThings, call(verb::delete_, {"api1", "c"}), ops));
  EXPECT_EQ(removed, std::vector<std::string>{"c"});
  EXPECT_TRUE(loadDoc(*ctx_, kThing, "api1", "c"));  // the custom removal replaces the default one
}

TEST_F(ChildResourceTest, RoutesForTheFourOperations) {
  RouteTable routes;
  addChildRoutes(routes, *ctx_, "things", kThings, {kThingFields, {}, {}, {}});
  for (verb method : {verb::get, verb::patch, verb::delete_}) {
    auto one = routes.match(method, {"restapis", "api1", "things", "a"});
    ASSERT_TRUE(one && one->op) << method;
  }
  auto list = routes.match(verb::get, {"restapis", "api1", "things"});
  ASSERT_TRUE(list && list->op);
  auto listed = (*list->op)(call(verb::get, list->params));
  ASSERT_TRUE(listed);
  EXPECT_EQ(bodyOf(listed).at("item").as_array().size(), 3u);
  auto post = routes.match(verb::post, {"restapis", "api1", "things"});
  EXPECT_TRUE(post && !post->op && !post->asyncOp);  // creation is each kind's own
}

}  // namespace
}  // namespace portico::control::apigateway
