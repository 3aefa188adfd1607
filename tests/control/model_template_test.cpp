// GetModelTemplate's generator: fields as their types want them, arrays through #foreach, other
// models by their URL, bounded depth (a model that refers to itself), a schema that is not JSON.
#include "control/apigateway/model_template.h"

#include <gtest/gtest.h>

namespace portico::control::apigateway {
namespace {

TEST(ModelTemplateTest, FieldsArraysAndReferences) {
  const std::string owner = R"({"type":"object","properties":{"id":{"type":"number"},"ok":{"type":"boolean"}}})";
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "Owner") return owner;
    return std::nullopt;
  };
  auto t = modelTemplate(R"({"type":"object","properties":{
      "name":{"type":"string"},
      "pets":{"type":"array","items":{"type":"object","properties":{"n":{"type":"integer"},
                                                                    "tags":{"type":"array","items":{"type":"string"}}}}},
      "owner":{"$ref":"https://apigateway.amazonaws.com/restapis/a/models/Owner"},
      "missing":{"$ref":"https://apigateway.amazonaws.com/restapis/a/models/Nope"}}})",
                         lookup);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(t->starts_with("#set($inputRoot = $input.path('$'))\n{\n")) << *t;
  for (const char* part :
       {"\"name\" : \"$inputRoot.name\"", "#foreach($elem in $inputRoot.pets)", "\"n\" : $elem.n",
        "#foreach($elem1 in $elem.tags)", "\"$elem1\"", "\"id\" : $inputRoot.owner.id", "\"ok\" : $inputRoot.owner.ok",
        "\"missing\" : \"$inputRoot.missing\"", "#if($foreach.hasNext),#end"}) {
    EXPECT_NE(t->find(part), std::string::npos) << part << "\n" << *t;
  }
  auto array = modelTemplate(R"({"type":"array","items":{"type":"string"}})", lookup);
  ASSERT_TRUE(array);
  EXPECT_NE(array->find("[\n#foreach($elem in $inputRoot)"), std::string::npos) << *array;
}

TEST(ModelTemplateTest, BoundedAndRefusesNonJson) {
  // A model that refers to itself stops at the depth bound instead of recursing for ever.
  const std::string self = R"({"type":"object","properties":{"next":{"$ref":"x/models/Node"}}})";
  auto t = modelTemplate(self, [&](std::string_view) -> std::optional<std::string> { return self; });
  ASSERT_TRUE(t);
  EXPECT_LT(t->size(), 4096u);
  auto bad = modelTemplate("{not json", nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().type, "BadRequestException");
}

}  // namespace
}  // namespace portico::control::apigateway
