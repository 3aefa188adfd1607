// Documentation parts and versions (documentation_parts.h): locations checked and normalised as
// CreateDocumentationPart checks them, duplicates refused, lists filtered, only /properties
// patched, imports merged or overwriting, versions frozen and published by a stage, and the
// extension GetExport writes from the stage's version.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/documentation_parts.h"
#include "support/apigateway_fixture.h"

namespace portico::control::apigateway {
namespace {
namespace bj = boost::json;
using boost::beast::http::verb;

class DocumentationTest : public ApiGatewayFixture {
 protected:
  void SetUp() override {
    ApiGatewayFixture::SetUp();
    saveDoc(*ctx_, kStage, "api1", "dev", bj::object{{"stageName", "dev"}, {"deploymentId", "d1"}});
    registerDocumentationPartRoutes(routes_, *ctx_);
    registerDocumentationVersionRoutes(routes_, *ctx_);
  }

  /// Calls the operation at `path` ("restapis/api1/documentation/parts") through the routes.
  Result<AdminReply> op(verb method, std::string_view path, std::string_view body = "",
                        std::vector<std::pair<std::string, std::string>> query = {}) {
    std::vector<std::string> segments;
    for (std::size_t start = 0; start <= path.size();) {
      std::size_t end = path.find('/', start);
      if (end == std::string_view::npos) end = path.size();
      segments.emplace_back(path.substr(start, end - start));
      start = end + 1;
    }
    auto match = routes_.match(method, segments);
    if (!match || !match->op) return ApiError::notFound("no route for " + std::string(path));
    return (*match->op)(AdminCall{method, match->params, std::move(query), body});
  }
  static std::string errorOf(const Result<AdminReply>& reply) {
    return reply ? "accepted" : reply.error().type + ": " + reply.error().message;
  }
  std::string create(std::string_view location, std::string_view properties = R"({"description":"d"})") {
    auto r = op(verb::post, "restapis/api1/documentation/parts",
                bj::serialize(bj::object{{"location", bj::parse(location)}, {"properties", properties}}));
    return r ? std::string(bodyOf(r).at("id").as_string()) : errorOf(r);
  }

  RouteTable routes_;
};

TEST(DocumentationLocation, FieldsDependOnTheType) {
  auto check = [](std::string_view location, std::string_view properties = "{}") {
    bj::value loc = bj::parse(location), props = bj::string(properties);
    auto doc = documentationPartDocument(&loc, &props, "createDocumentationPartInput");
    return doc ? bj::serialize(doc->at("location")) : doc.error().type + ": " + doc.error().message;
  };
  EXPECT_EQ(check(R"({"type":"API"})"), R"({"type":"API"})");
  EXPECT_EQ(check(R"({"type":"RESOURCE"})"), R"({"type":"RESOURCE","path":"/"})");
  EXPECT_EQ(check(R"({"type":"RESPONSE_HEADER","path":"/a","method":"GET","statusCode":"404","name":"X"})"),
            R"({"type":"RESPONSE_HEADER","path":"/a","method":"GET","statusCode":"404","name":"X"})");
  EXPECT_EQ(check(R"({"type":"API","path":"/a"})"),
            "BadRequestException: Invalid documentation part location: 'path' is not a valid field for type 'API'");
  EXPECT_EQ(check(R"({"type":"METHOD","statusCode":"200"})"),
            "BadRequestException: Invalid documentation part location: 'statusCode' is not a valid field for type "
            "'METHOD'");
  EXPECT_EQ(check(R"({"type":"MODEL"})"),
            "BadRequestException: Invalid documentation part location: 'name' is required for type 'MODEL'");
  EXPECT_EQ(check(R"({"type":"RESPONSE","statusCode":"600"})"),
            "BadRequestException: Invalid documentation part location: invalid status code '600'");
  EXPECT_EQ(check(R"({"type":"METHOD","method":"FETCH"})"),
            "BadRequestException: Invalid documentation part location: invalid method 'FETCH'");
  EXPECT_EQ(check(R"({"type":"RESOURCE","path":"pets"})"),
            "BadRequestException: Invalid documentation part location: the path must start with '/'");
  EXPECT_EQ(check(R"({"type":"api"})"),
            "ValidationException: 1 validation error detected: Value 'api' at "
            "'createDocumentationPartInput.location.type' failed to satisfy constraint: Member must satisfy enum "
            "value set: [RESPONSE_BODY, RESPONSE, METHOD, MODEL, AUTHORIZER, RESPONSE_HEADER, RESOURCE, "
            "PATH_PARAMETER, REQUEST_BODY, QUERY_PARAMETER, API, REQUEST_HEADER]");
  EXPECT_EQ(check(R"({"type":"API"})", "{not json"),
            "BadRequestException: Documentation part properties must be valid JSON: syntax error");
  EXPECT_EQ(check(R"({"type":"API"})", std::string(kMaxDocumentationPropertiesBytes + 1, ' ')),
            "BadRequestException: Documentation part properties are larger than 32 KB");
  // Defaults count: the same entity twice has the same key.
  EXPECT_EQ(documentationLocationKey(bj::parse(R"({"type":"METHOD"})").as_object()),
            documentationLocationKey(bj::parse(R"({"type":"METHOD","path":"/","method":"*"})").as_object()));
  EXPECT_NE(documentationLocationKey(bj::parse(R"({"type":"METHOD","method":"GET"})").as_object()),
            documentationLocationKey(bj::parse(R"({"type":"METHOD"})").as_object()));
}

TEST_F(DocumentationTest, CreateRefusesDuplicatesAndUnknownApis) {
  const std::string id = create(R"({"type":"METHOD","path":"/pets","method":"GET"})");
  ASSERT_EQ(id.size(), 6u) << id;
  EXPECT_EQ(create(R"({"type":"METHOD","path":"/pets","method":"GET"})"),
            "ConflictException: Documentation part already exists for the specified location: type 'METHOD', path "
            "'/pets', method 'GET'.");
  EXPECT_EQ(create(R"({"type":"METHOD","path":"/pets"})").size(), 6u);  // method * is another entity
  auto missing =
      op(verb::post, "restapis/nope/documentation/parts", R"({"location":{"type":"API"},"properties":"{}"})");
  EXPECT_EQ(errorOf(missing), "NotFoundException: Invalid API identifier specified 000000000000:nope");
  auto got = op(verb::get, "restapis/api1/documentation/parts/" + id);
  ASSERT_TRUE(got);
  EXPECT_EQ(bodyOf(got).at("properties"), R"({"description":"d"})");
  EXPECT_EQ(errorOf(op(verb::get, "restapis/api1/documentation/parts/zzzzzz")),
            "NotFoundException: Invalid Documentation part identifier specified");
}

TEST_F(DocumentationTest, ListsAreFiltered) {
  create(R"({"type":"API"})");
  create(R"({"type":"MODEL","name":"Pet"})");
  create(R"({"type":"MODEL","name":"PetList"})", "{}");
  create(R"({"type":"RESOURCE","path":"/pets"})");
  auto count = [&](std::vector<std::pair<std::string, std::string>> query) {
    auto r = op(verb::get, "restapis/api1/documentation/parts", "", std::move(query));
    return r ? static_cast<int>(bodyOf(r).at("item").as_array().size()) : -1;
  };
  EXPECT_EQ(count({}), 4);
  EXPECT_EQ(count({{"type", "MODEL"}}), 2);
  EXPECT_EQ(count({{"type", "MODEL"}, {"name", "PetL"}}), 1);
  EXPECT_EQ(count({{"path", "/pets"}}), 1);
  EXPECT_EQ(count({{"locationStatus", "UNDOCUMENTED"}}), 1);
  EXPECT_EQ(count({{"locationStatus", "DOCUMENTED"}}), 3);
  EXPECT_EQ(count({{"type", "THING"}}), -1);
}

TEST_F(DocumentationTest, OnlyPropertiesArePatched) {
  const std::string id = create(R"({"type":"API"})");
  const std::string path = "restapis/api1/documentation/parts/" + id;
  auto ok = op(verb::patch, path, R"({"patchOperations":[{"op":"replace","path":"/properties","value":"{\"a\":1}"}]})");
  ASSERT_TRUE(ok) << errorOf(ok);
  EXPECT_EQ(bodyOf(ok).at("properties"), R"({"a":1})");
  EXPECT_EQ(errorOf(op(verb::patch, path, R"({"patchOperations":[{"op":"add","path":"/properties","value":"{}"}]})")),
            "BadRequestException: Invalid patch path  '/properties' specified for op 'add'. Please choose supported "
            "operations");
  EXPECT_EQ(errorOf(op(verb::patch, path, R"({"patchOperations":[{"op":"replace","path":"/location","value":"x"}]})")),
            "BadRequestException: Invalid patch path  '/location' specified for op 'replace'. Must be one of: "
            "[/properties]");
  EXPECT_EQ(
      errorOf(op(verb::patch, path, R"({"patchOperations":[{"op":"replace","path":"/properties","value":"{x"}]})")),
      "BadRequestException: Documentation part properties must be valid JSON: syntax error");
  auto deleted = op(verb::delete_, path);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 202);
}

TEST_F(DocumentationTest, ImportsMergeOrOverwrite) {
  const std::string api = create(R"({"type":"API"})", R"({"description":"old","x-keep":1})");
  create(R"({"type":"RESOURCE","path":"/pets"})");
  const std::string doc = R"({"swagger":"2.0","info":{"title":"t"},"paths":{},
    "x-amazon-apigateway-documentation":{"version":"1","documentationParts":[
      {"location":{"type":"API"},"properties":{"description":"new"}},
      {"location":{"type":"MODEL","name":"Pet"},"properties":{"title":"Pet"}},
      {"location":{"type":"MODEL"},"properties":{}}]}})";
  auto merged = op(verb::put, "restapis/api1/documentation/parts", doc, {{"mode", "merge"}});
  ASSERT_TRUE(merged) << errorOf(merged);
  EXPECT_EQ(bodyOf(merged).at("ids").as_array().size(), 2u);
  EXPECT_EQ(bodyOf(merged).at("ids").as_array()[0], bj::value(api));
  ASSERT_EQ(bodyOf(merged).at("warnings").as_array().size(), 1u);  // the MODEL without a name
  auto top = op(verb::get, "restapis/api1/documentation/parts/" + api);
  EXPECT_EQ(bodyOf(top).at("properties"), R"({"description":"new","x-keep":1})");
  auto all = op(verb::get, "restapis/api1/documentation/parts");
  EXPECT_EQ(bodyOf(all).at("item").as_array().size(), 3u);

  EXPECT_EQ(errorOf(op(verb::put, "restapis/api1/documentation/parts", doc,
                       {{"mode", "overwrite"}, {"failonwarnings", "true"}})),
            "BadRequestException: Invalid documentation part location: 'name' is required for type 'MODEL'");
  EXPECT_EQ(bodyOf(op(verb::get, "restapis/api1/documentation/parts")).at("item").as_array().size(), 3u)
      << "a refused import writes nothing";
  auto over = op(verb::put, "restapis/api1/documentation/parts", doc, {{"mode", "overwrite"}});
  ASSERT_TRUE(over) << errorOf(over);
  EXPECT_EQ(bodyOf(op(verb::get, "restapis/api1/documentation/parts")).at("item").as_array().size(), 2u);
  EXPECT_EQ(errorOf(op(verb::put, "restapis/api1/documentation/parts", "{", {})).substr(0, 20), "BadRequestException:");
  EXPECT_EQ(errorOf(op(verb::put, "restapis/api1/documentation/parts", doc, {{"mode", "replace"}})),
            "BadRequestException: Invalid mode: replace. Valid values are merge and overwrite");
}

TEST_F(DocumentationTest, VersionsFreezeThePartsAndStagesPublishThem) {
  const std::string id = create(R"({"type":"METHOD","path":"/pets","method":"GET"})", R"({"summary":"v1 text"})");
  auto made = op(verb::post, "restapis/api1/documentation/versions",
                 R"({"documentationVersion":"1.0","stageName":"dev","description":"first"})");
  ASSERT_TRUE(made) << errorOf(made);
  EXPECT_EQ(made->status, 201);
  EXPECT_EQ(bodyOf(made).at("createdDate"), 1795694400);
  EXPECT_EQ(errorOf(op(verb::post, "restapis/api1/documentation/versions", R"({"documentationVersion":"1.0"})")),
            "ConflictException: Documentation version already exists: 1.0");
  EXPECT_EQ(errorOf(op(verb::post, "restapis/api1/documentation/versions",
                       R"({"documentationVersion":"2.0","stageName":"prod"})")),
            "NotFoundException: Invalid stage identifier specified");
  EXPECT_EQ(errorOf(op(verb::post, "restapis/api1/documentation/versions", R"({"documentationVersion":"a b"})"))
                .substr(0, 20),
            "BadRequestException:");
  auto stage = loadDoc(*ctx_, kStage, "api1", "dev");
  ASSERT_TRUE(stage);
  EXPECT_EQ(stage->at("documentationVersion"), "1.0");

  ASSERT_TRUE(op(verb::patch, "restapis/api1/documentation/parts/" + id,
                 R"({"patchOperations":[{"op":"replace","path":"/properties","value":"{\"summary\":\"later\"}"}]})"));
  auto ext = documentationExtension(*ctx_, "api1", *stage);
  ASSERT_TRUE(ext);
  EXPECT_EQ(ext->at("version"), "1.0");
  EXPECT_EQ(ext->at("createdDate"), "2026-11-26T12:00:00Z");
  EXPECT_EQ(bj::serialize(ext->at("documentationParts")),
            R"([{"location":{"type":"METHOD","path":"/pets","method":"GET"},"properties":{"summary":"v1 text"}}])");

  auto patched = op(verb::patch, "restapis/api1/documentation/versions/1.0",
                    R"({"patchOperations":[{"op":"replace","path":"/description","value":"renamed"}]})");
  ASSERT_TRUE(patched) << errorOf(patched);
  EXPECT_EQ(bodyOf(patched).at("description"), "renamed");
  EXPECT_EQ(errorOf(op(verb::delete_, "restapis/api1/documentation/versions/1.0")),
            "ConflictException: Documentation version 1.0 is in use by stage(s): dev. Update the stage's "
            "documentationVersion first");
  stage->erase("documentationVersion");
  saveDoc(*ctx_, kStage, "api1", "dev", *stage);
  EXPECT_FALSE(documentationExtension(*ctx_, "api1", *stage));
  ASSERT_TRUE(op(verb::delete_, "restapis/api1/documentation/versions/1.0"));
  EXPECT_EQ(errorOf(op(verb::get, "restapis/api1/documentation/versions/1.0")),
            "NotFoundException: Invalid Documentation version specified");
  EXPECT_FALSE(loadDoc(*ctx_, kDocumentationSnapshot, "api1", "1.0"));
}

}  // namespace
}  // namespace portico::control::apigateway
