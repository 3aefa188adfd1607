#include "gateway/json_schema.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

namespace portico::gateway {
namespace {

std::shared_ptr<const JsonSchema> compile(std::string_view text, const ModelLookup& models = {}) {
  auto s = compileJsonSchema(text, models);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  return s ? *s : nullptr;
}

bool valid(const JsonSchema& schema, std::string_view json, std::string* error = nullptr) {
  return schema.validate(boost::json::parse(json), error);
}

TEST(JsonSchema, Draft4Keywords) {
  auto s = compile(R"({"type":"object","required":["a"],"properties":{
      "a":{"type":"integer","minimum":1,"exclusiveMaximum":true,"maximum":5},
      "b":{"enum":["x","y"]},"c":{"type":"array","items":{"type":"string"},"uniqueItems":true}},
      "additionalProperties":false})");
  ASSERT_TRUE(s);
  EXPECT_TRUE(valid(*s, R"({"a":1,"b":"x","c":["p","q"]})"));
  EXPECT_FALSE(valid(*s, R"({"b":"x"})"));
  EXPECT_FALSE(valid(*s, R"({"a":5})"));
  EXPECT_FALSE(valid(*s, R"({"a":0})"));
  EXPECT_FALSE(valid(*s, R"({"a":2,"b":"z"})"));
  EXPECT_FALSE(valid(*s, R"({"a":2,"c":["p","p"]})"));
  EXPECT_FALSE(valid(*s, R"({"a":2,"zz":1})"));
  EXPECT_FALSE(valid(*s, "[]"));
}

TEST(JsonSchema, PatternsRunOnRe2) {
  auto s = compile(R"({"type":"object","properties":{"p":{"type":"string","pattern":"^(a+)+$"}}})");
  ASSERT_TRUE(s);
  EXPECT_TRUE(valid(*s, R"({"p":"aaaa"})"));
  // Catastrophic for a backtracking engine; linear on RE2.
  std::string evil = R"({"p":")" + std::string(50000, 'a') + "!\"}";
  auto t0 = std::chrono::steady_clock::now();
  std::string error;
  EXPECT_FALSE(valid(*s, evil, &error));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_NE(error.find("pattern"), std::string::npos) << error;
  auto nested = compile(R"({"items":{"properties":{"q":{"pattern":"^x"}}}})");
  ASSERT_TRUE(nested);
  EXPECT_TRUE(valid(*nested, R"([{"q":"xy"}])"));
  EXPECT_FALSE(valid(*nested, R"([{"q":"yx"}])"));
  // A property *named* pattern is not the keyword.
  auto named = compile(R"({"properties":{"pattern":{"type":"string"}}})");
  ASSERT_TRUE(named);
  EXPECT_TRUE(valid(*named, R"({"pattern":"anything"})"));
  EXPECT_FALSE(valid(*named, R"({"pattern":1})"));
}

TEST(JsonSchema, ModelReferences) {
  ModelLookup models = [](std::string_view name) -> std::optional<std::string> {
    if (name == "Pet") return std::string(R"({"type":"object","required":["name"]})");
    return std::nullopt;
  };
  auto s = compile(R"({"type":"array","items":{"$ref":"https://apigateway.amazonaws.com/restapis/abc/models/Pet"}})",
                   models);
  ASSERT_TRUE(s);
  EXPECT_TRUE(valid(*s, R"([{"name":"x"}])"));
  EXPECT_FALSE(valid(*s, R"([{}])"));
  auto missing = compileJsonSchema(R"({"$ref":"https://apigateway.amazonaws.com/restapis/abc/models/Nope"})", models);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().type, "BadRequestException");
  auto local = compile(R"({"definitions":{"n":{"type":"integer"}},"properties":{"a":{"$ref":"#/definitions/n"}}})");
  ASSERT_TRUE(local);
  EXPECT_FALSE(valid(*local, R"({"a":"x"})"));
}

TEST(JsonSchema, RefusedSchemas) {
  for (const char* bad : {"{not json", "[]", R"({"patternProperties":{"a":{}}})", R"({"pattern":"(x"})",
                          R"({"pattern":5})", R"({"type":5})"}) {
    auto s = compileJsonSchema(bad, {});
    EXPECT_FALSE(s) << bad;
    if (!s) {
      EXPECT_EQ(s.error().type, "BadRequestException");
    }
  }
}

TEST(JsonSchema, ModelNameFromUrl) {
  EXPECT_EQ(modelNameFromUrl("https://apigateway.amazonaws.com/restapis/a1/models/Pet"), "Pet");
  EXPECT_EQ(modelNameFromUrl("https://apigateway.amazonaws.com/restapis/a1/models/Pet#/definitions/x"), "Pet");
  EXPECT_FALSE(modelNameFromUrl("https://example.com/models/Pet"));
  EXPECT_FALSE(modelNameFromUrl("#/definitions/x"));
}

}  // namespace
}  // namespace portico::gateway
