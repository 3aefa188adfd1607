// API Gateway mapping-template cases: $input, $util, $context, $stageVariables,
// and where API Gateway departs from stock Velocity (undefined references render
// as empty text; #macro/#evaluate/#include/#parse are refused), from the AWS
// "API Gateway mapping template and access logging variable reference".
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

constexpr const char* kBody =
    R"({"name":"Ann","age":30,"tags":["a","b"],"nested":{"x":1,"y":[{"c":5}]},"price":10.5,"flag":true,)"
    R"("nothing":null,"text":"line1\nline2 \"q\" it's"})";

struct GatewayCase {
  const char* name;
  const char* text;
  const char* expected;
  const char* body = kBody;
};

// clang-format off
const GatewayCase kGatewayCases[] = {
    // Undefined references render as empty text on API Gateway.
    {"undefined_plain", "Hello $name!", "Hello !"},
    {"undefined_braced", "[${name}]", "[]"},
    {"undefined_quiet", "[$!name][$!{name}]", "[][]"},
    {"undefined_chain", "[$a.b.c()]", "[]"},
    {"undefined_map_key", "#set($m = {})[$m.nope]", "[]"},
    {"undefined_method", "#set($s = \"x\")[$s.noSuchMethod()]", "[]"},
    {"undefined_in_string", "#set($s = \"a$nope b\")$s", "a b"},
    {"null_method_result", "#set($m = {})[$m.put(\"k\", 1)]", "[]"},
    {"escaped_undefined", "\\$nope", "$nope"},
    {"lone_dollar", "a $ b $", "a $ b $"},
    {"trailing_hash", "a #", "a #"},
    // $input.body
    {"body_raw", "$input.body", kBody},
    {"body_empty_is_braces", "$input.body", "{}", ""},
    {"body_not_json", "$input.body", "a=1&b=2", "a=1&b=2"},
    {"body_escaped", "\\$input.body", "$input.body"},
    // $input.json
    {"json_root", "$input.json('$')",
     R"({"name":"Ann","age":30,"tags":["a","b"],"nested":{"x":1,"y":[{"c":5}]},"price":10.5,"flag":true,"nothing":null,"text":"line1\nline2 \"q\" it's"})"},
    {"json_string", "$input.json('$.name')", "\"Ann\""},
    {"json_number", "$input.json('$.age')", "30"},
    {"json_double", "$input.json('$.price')", "10.5"},
    {"json_bool", "$input.json('$.flag')", "true"},
    {"json_null", "$input.json('$.nothing')", "null"},
    {"json_array", "$input.json('$.tags')", R"(["a","b"])"},
    {"json_object", "$input.json('$.nested')", R"({"x":1,"y":[{"c":5}]})"},
    {"json_index", "$input.json('$.tags[1]')", "\"b\""},
    {"json_negative_index", "$input.json('$.tags[-1]')", "\"b\""},
    {"json_bracket_key", "$input.json(\"$['name']\")", "\"Ann\""},
    {"json_wildcard", "$input.json('$.tags[*]')", R"(["a","b"])"},
    {"json_deep_scan", "$input.json('$..c')", "[5]"},
    {"json_missing", "[$input.json('$.missing')]", "[]"},
    {"json_escapes_string", "$input.json('$.text')", R"("line1\nline2 \"q\" it's")"},
    {"json_length_counts_quotes", "$input.json('$.name').length()", "5"},
    {"json_empty_body", "$input.json('$')", "{}", ""},
    {"json_in_document", "{\"n\": $input.json('$.name'), \"t\": $input.json('$.tags')}",
     R"({"n": "Ann", "t": ["a","b"]})"},
    {"json_root_array_body", "$input.json('$[0].id')", "7", R"([{"id":7}])"},
    // $input.path
    {"path_string", "$input.path('$.name')", "Ann"},
    {"path_number", "$input.path('$.age')", "30"},
    {"path_double", "$input.path('$.price')", "10.5"},
    {"path_bool_if", "#if($input.path('$.flag'))yes#end", "yes"},
    {"path_null", "[$input.path('$.nothing')]", "[]"},
    {"path_missing", "[$input.path('$.missing')]", "[]"},
    {"path_map_java_style", "$input.path('$.nested')", R"({x=1, y=[{"c":5}]})"},
    {"path_array_json_style", "$input.path('$.tags')", R"(["a","b"])"},
    {"path_object_in_array", "$input.path('$.nested.y[0]')", "{c=5}"},
    {"path_array_of_objects", "$input.path('$.nested.y')", R"([{"c":5}])"},
    {"path_array_size", "$input.path('$.tags').size()", "2"},
    {"path_array_index", "$input.path('$.tags')[1]", "b"},
    {"path_array_contains", "$input.path('$.tags').contains(\"a\")", "true"},
    {"path_foreach", "#foreach($t in $input.path('$.tags'))$t;#end", "a;b;"},
    {"path_nested_property", "$input.path('$.nested').x", "1"},
    {"path_deep", "$input.path('$.nested.y[0].c')", "5"},
    {"path_arith", "#set($a = $input.path('$.age') + 1)$a", "31"},
    {"path_arith_double", "#set($p = $input.path('$.price') * 2)$p", "21.0"},
    {"path_compare", "#if($input.path('$.age') > 18)adult#end", "adult"},
    {"path_string_method", "$input.path('$.name').toUpperCase()", "ANN"},
    {"path_root_keys", "#foreach($k in $input.path('$').keySet())$k,#end", "name,age,tags,nested,price,flag,nothing,text,"},
    {"path_set_then_mutate", "#set($b = $input.path('$'))#set($b.extra = 1)$b.extra $b.size()", "1 9"},
    {"path_missing_set_keeps_empty", "#set($x = $input.path('$.missing'))[$x]", "[]"},
    {"path_root_object", "#set($root = $input.path('$'))$root.name/$root.tags[0]", "Ann/a"},
    // $input.params
    {"params_path_first", "$input.params('id')", "42"},
    {"params_query", "$input.params('q')", "search"},
    {"params_header", "$input.params('User-Agent')", "curl/8"},
    {"params_header_case_insensitive", "$input.params('user-agent')", "curl/8"},
    {"params_absent", "[$input.params('absent')]", "[]"},
    {"params_all_sections", "$input.params().size() $input.params().keySet()", "3 [path, querystring, header]"},
    {"params_path_map", "$input.params().path.id", "42"},
    {"params_query_map", "$input.params().querystring", "{id=q-id, q=search}"},
    {"params_header_get", "$input.params().header.get('X-Token')", "t0k"},
    {"params_foreach", "#foreach($k in $input.params().querystring.keySet())$k=$input.params().querystring.get($k)&#end",
     "id=q-id&q=search&"},
    // $util
    {"util_escape_quotes", "#set($s = 'say \"hi\"')$util.escapeJavaScript($s)", "say \\\"hi\\\""},
    {"util_escape_slash_backslash", "#set($s = 'a/b\\c')$util.escapeJavaScript($s)", "a\\/b\\\\c"},
    {"util_escape_controls", "$util.escapeJavaScript($input.path('$.text'))", "line1\\nline2 \\\"q\\\" it\\'s"},
    {"util_escape_unicode", "#set($s = \"caf\xC3\xA9\")$util.escapeJavaScript($s)", "caf\\u00E9"},
    {"util_escape_astral", "#set($s = \"\xF0\x9F\x98\x80\")$util.escapeJavaScript($s)", "\\uD83D\\uDE00"},
    {"util_escape_quote_idiom", "$util.escapeJavaScript(\"it's\").replaceAll(\"\\\\'\", \"'\")", "it's"},
    {"util_url_encode", "$util.urlEncode(\"a b&c=d/\xC3\xA9\")", "a+b%26c%3Dd%2F%C3%A9"},
    {"util_url_encode_unreserved", "$util.urlEncode(\"*-._~\")", "*-._%7E"},
    {"util_url_decode", "$util.urlDecode(\"a+b%26c%3d\")", "a b&c="},
    {"util_base64_encode", "$util.base64Encode(\"hello\") $util.base64Encode(\"hi\") [$util.base64Encode(\"\")]",
     "aGVsbG8= aGk= []"},
    {"util_base64_decode", "$util.base64Decode(\"aGVsbG8=\")", "hello"},
    {"util_parse_json", "#set($o = $util.parseJson('{\"a\":[1,2],\"b\":\"x\"}'))$o.a[1] $o.b", "2 x"},
    {"util_parse_json_of_input", "#set($o = $util.parseJson($input.json('$.nested')))$o.x", "1"},
    // $context and $stageVariables
    {"context_request_id", "$context.requestId", "req-1"},
    {"context_nested", "$context.identity.sourceIp", "198.51.100.7"},
    {"context_claims", "$context.authorizer.claims.sub", "user-1"},
    {"context_missing", "[$context.nothing]", "[]"},
    {"stage_variable", "$stageVariables.env", "prod"},
    {"stage_variable_get", "$stageVariables.get('env')", "prod"},
    {"stage_variable_missing", "[$stageVariables.none]", "[]"},
    // A typical request template.
    {"template_document",
     "#set($root = $input.path('$'))\n{\n  \"user\": \"$root.name\",\n  \"tags\": [\n#foreach($t in $root.tags)\n"
     "    \"$t\"#if($foreach.hasNext),#end\n\n#end\n  ],\n  \"stage\": \"$context.stage\"\n}",
     "{\n  \"user\": \"Ann\",\n  \"tags\": [\n    \"a\",\n    \"b\"\n  ],\n  \"stage\": \"dev\"\n}"},
};
// clang-format on

struct Fixture {
  std::map<std::string, std::string> path{{"id", "42"}};
  std::map<std::string, std::string> query{{"q", "search"}, {"id", "q-id"}};
  std::map<std::string, std::string> headers{{"User-Agent", "curl/8"}, {"X-Token", "t0k"}};
  std::map<std::string, std::string> stage{{"env", "prod"}};
  boost::json::object context =
      boost::json::parse(R"({"requestId":"req-1","stage":"dev","identity":{"sourceIp":"198.51.100.7"},)"
                         R"("authorizer":{"claims":{"sub":"user-1"}}})")
          .as_object();

  TemplateInput input(std::string_view body) const {
    TemplateInput in;
    in.body = body;
    in.pathParams = &path;
    in.queryParams = &query;
    in.headers = &headers;
    in.stageVariables = &stage;
    in.context = &context;
    return in;
  }
};

Result<std::string> render(std::string_view text, std::string_view body) {
  static const Fixture fixture;
  auto compiled = makeVelocityTemplateEngine()->compile(text);
  if (!compiled) return compiled.error();
  return (*compiled)->render(fixture.input(body));
}

class VtlGatewayTest : public ::testing::TestWithParam<GatewayCase> {};

TEST_P(VtlGatewayTest, RendersLikeApiGateway) {
  const GatewayCase& c = GetParam();
  auto rendered = render(c.text, c.body);
  ASSERT_TRUE(rendered.ok()) << rendered.error().message << "\ntemplate: " << c.text;
  EXPECT_EQ(*rendered, c.expected) << "template: " << c.text;
}

INSTANTIATE_TEST_SUITE_P(Vtl, VtlGatewayTest, ::testing::ValuesIn(kGatewayCases),
                         [](const ::testing::TestParamInfo<GatewayCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace portico::vtl
