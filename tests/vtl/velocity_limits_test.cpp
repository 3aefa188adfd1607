// Compile-time refusals, parse errors with line and column, and the render-time
// bounds of the VTL engine (API Gateway's 1000 #foreach iterations, output and
// work caps, Java exceptions as render errors).
#include <gtest/gtest.h>

#include <chrono>

#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

Result<std::string> render(std::string_view text, std::string_view body = "") {
  auto compiled = makeVelocityTemplateEngine()->compile(text);
  if (!compiled) return compiled.error();
  TemplateInput input;
  input.body = body;
  return (*compiled)->render(input);
}

std::string compileError(std::string_view text) {
  auto compiled = makeVelocityTemplateEngine()->compile(text);
  if (compiled) return "(compiled)";
  EXPECT_EQ(compiled.error().type, "BadRequestException");
  EXPECT_EQ(compiled.error().status, 400);
  return compiled.error().message;
}

TEST(VtlCompileTest, RefusesDirectivesApiGatewayDoesNotOffer) {
  for (const char* text : {"#macro(m)x#end", "#evaluate('$x')", "#include('a.vm')", "#parse('a.vm')"}) {
    EXPECT_NE(compileError(text).find("is not supported"), std::string::npos) << text;
  }
}

TEST(VtlCompileTest, ParseErrorsNameLineAndColumn) {
  EXPECT_EQ(compileError("a\nb\nccccc #set($x = )"),
            "Invalid mapping expression specified: unexpected ')' at line 3, column 17");
  EXPECT_NE(compileError("line\n  #if(true)x").find("#if without #end at line 2, column 3"), std::string::npos);
  EXPECT_NE(compileError("#end").find("line 1, column 1"), std::string::npos);
  EXPECT_NE(compileError("#foreach($i [1])x#end").find("expects 'in'"), std::string::npos);
  EXPECT_NE(compileError("#set($x = \"unterminated)").find("unterminated string"), std::string::npos);
  EXPECT_NE(compileError("#* never closed").find("unterminated #*"), std::string::npos);
  EXPECT_NE(compileError("$a.b(1,").find("line 1"), std::string::npos);
  EXPECT_NE(compileError("#if(true)a#else b#else c#end").find("after #else"), std::string::npos);
}

TEST(VtlCompileTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "#set($x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + ")";
  EXPECT_NE(compileError(deep).find("nested too deeply"), std::string::npos);
  std::string ifs;
  for (int i = 0; i < 1000; ++i) ifs += "#if(true)";
  EXPECT_NE(compileError(ifs).find("nested too deeply"), std::string::npos);
}

TEST(VtlCompileTest, LiteralEngineStillRendersText) {
  auto compiled = makeLiteralTemplateEngine()->compile("$x #if");
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(*(*compiled)->render(TemplateInput{}), "$x #if");
}

TEST(VtlRenderLimitsTest, ForeachStopsAfterOneThousandIterations) {
  auto out = render("#foreach($i in [1..5000])x#end");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 1000u);
}

TEST(VtlRenderLimitsTest, NestedLoopsAreBoundedByTheWorkBudget) {
  auto out = render("#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#end#end#end");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().status, 500);
}

TEST(VtlRenderLimitsTest, OutputIsCapped) {
  auto out = render("#set($s = \"xxxxxxxxxxxxxxxx\")#foreach($i in [1..30])#set($s = \"$s$s\")#end$s");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("exceeds"), std::string::npos);
}

TEST(VtlRenderLimitsTest, SelfReferentialDefineIsAnError) {
  auto out = render("#define($a)x$a#end$a");
  ASSERT_FALSE(out.ok());
}

TEST(VtlRenderLimitsTest, HugeRangeIsAnError) {
  EXPECT_FALSE(render("#set($r = [1..100000000])").ok());
}

TEST(VtlRenderErrorsTest, JavaExceptionsFailTheRender) {
  auto out = render("#set($s = \"abc\")$s.substring(5)");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().status, 500);
  EXPECT_FALSE(render("#set($l = [1])$l.get(3)").ok());
  EXPECT_FALSE(render("$util.base64Decode(\"***\")").ok());
}

TEST(VtlRenderErrorsTest, BodyThatIsNotJsonFailsJsonAccessOnly) {
  EXPECT_EQ(*render("$input.body", "not json"), "not json");
  auto out = render("$input.json('$')", "not json");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().status, 400);
}

TEST(VtlRenderErrorsTest, StopKeepsOutputSoFar) {
  EXPECT_EQ(*render("a#stop\nb"), "a");
}

TEST(VtlRenderTest, CompiledTemplateRendersManyTimesIndependently) {
  auto compiled = makeVelocityTemplateEngine()->compile("#set($l = [])#set($ok = $l.add(1))$l.size()");
  ASSERT_TRUE(compiled.ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*(*compiled)->render(TemplateInput{}), "1");
}

}  // namespace
}  // namespace portico::vtl

namespace portico::vtl {
namespace {

// Steps do not measure cost: one replace on a 5 MiB string is one step. A render is bounded by
// time (the case took 36.8 s within the step budget) and by the bytes it makes (a list of
// copies of a big string reached 2.56 GB).
TEST(VtlRenderLimitsTest, CostlyMethodCallsHitTheTimeBudget) {
  std::string body = "{\"s\": \"" + std::string(5 * 1024 * 1024, 'a') + "\"}";
  auto t0 = std::chrono::steady_clock::now();
  auto out = render(
      "#set($s = $input.path('$.s'))#foreach($i in [1..1000])#set($t = $s.replace('a', 'b'))#end"
      "#foreach($i in [1..1000])#set($t = $s.replace('a', 'b'))#end",
      body);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().status, 500);
  EXPECT_NE(out.error().message.find("budget"), std::string::npos) << out.error().message;
  EXPECT_LT(seconds, 5.0);
}

TEST(VtlRenderLimitsTest, ListsOfCopiesHitTheMemoryBudget) {
  std::string body = "{\"s\": \"" + std::string(1300 * 1024, 'a') + "\"}";
  auto out = render(
      "#set($l = [])#set($s = $input.path('$.s'))#foreach($i in [1..1000])#set($ok = $l.add($s))#end$l.size()", body);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("memory budget"), std::string::npos) << out.error().message;
  // What ordinary templates do stays well inside both budgets.
  auto fine = render("#set($m = {})#foreach($i in [1..1000])#set($ok = $m.put(\"k$i\", \"v$i\"))#end$m.size()");
  ASSERT_TRUE(fine) << fine.error().message;
  EXPECT_EQ(*fine, "1000");
}

// A time slice stops a render early with its own error type (the caller starts it over with the
// full budget elsewhere); a render that fits in the slice is unaffected.
TEST(VtlRenderLimitsTest, ATimeSliceStopsTheRenderWithItsOwnErrorType) {
  auto compiled = makeVelocityTemplateEngine()->compile(
      "#set($s = 'a')#foreach($i in [1..10])#set($s = \"$s$s\")#end"
      "#foreach($a in [1..100])#foreach($b in [1..100])#set($n = $s.indexOf('b'))#end#end$n");
  ASSERT_TRUE(compiled) << compiled.error().message;
  TemplateInput input;
  input.timeSlice = std::chrono::milliseconds(2);
  auto t0 = std::chrono::steady_clock::now();
  auto sliced = (*compiled)->render(input);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(sliced);
  EXPECT_EQ(sliced.error().type, kTimeSliceSpent);
  EXPECT_LT(ms, 200.0);
  input.timeSlice = {};  // the full budget: it finishes
  auto whole = (*compiled)->render(input);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(*whole, "-1");
  input.timeSlice = std::chrono::milliseconds(2);
  auto small = makeVelocityTemplateEngine()->compile("#set($x = 1)$x");
  ASSERT_TRUE(small);
  auto quick = (*small)->render(input);
  ASSERT_TRUE(quick);
  EXPECT_EQ(*quick, "1");
}

}  // namespace
}  // namespace portico::vtl

namespace portico::vtl {
namespace {

/// n arrays, each the only element of the one before: [[[...]]].
std::string nestedArrays(int n) {
  return std::string(static_cast<std::size_t>(n), '[') + std::string(static_cast<std::size_t>(n), ']');
}

TEST(VtlRenderLimitsTest, DeepScansAfterDeepScansAreBoundedNotCombinatorial) {
  // `$..*..*` over 250 nested arrays selects ~31,000 values, each copied with its subtree
  // (millions of nodes from a 500-byte body): refused within the selection budget, quickly.
  auto started = std::chrono::steady_clock::now();
  auto out = render("$input.path('$..*..*..*')", nestedArrays(250));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("the selection is too large"), std::string::npos) << out.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(VtlRenderLimitsTest, OneDeepScanOverAFlatBodyStillSelectsEverything) {
  std::string body = "[";
  for (int i = 0; i < 20000; ++i) body += (i ? ",{\"a\":" : "{\"a\":") + std::to_string(i) + "}";
  body += "]";
  auto out = render("$input.path('$..a').size()", body);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "20000");
}

}  // namespace
}  // namespace portico::vtl
