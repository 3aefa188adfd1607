#include <gtest/gtest.h>

#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

TEST(UsesContext, OnlyTemplatesThatCanReachContext) {
  auto engine = makeVelocityTemplateEngine();
  auto uses = [&](std::string_view text) {
    auto t = engine->compile(text);
    EXPECT_TRUE(t) << text;
    return t && (*t)->usesContext();
  };
  EXPECT_FALSE(uses(R"({"statusCode": 200})"));
  EXPECT_FALSE(uses("$input.json('$') $util.urlEncode($input.params('q'))"));
  EXPECT_TRUE(uses("$context.requestId"));
  EXPECT_TRUE(uses("${context.stage}"));
  EXPECT_TRUE(uses("$!context.x"));
  EXPECT_TRUE(uses("#set($c = $context)$c.stage"));
  EXPECT_FALSE(makeLiteralTemplateEngine()->compile("$context")->get()->usesContext());
}

}  // namespace
}  // namespace portico::vtl
