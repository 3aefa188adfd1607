// API Gateway mapping-template cases: $input, $util, $context, $stageVariables,
// and where API Gateway departs from stock Velocity (undefined references render
// as empty text and are "" in #if and comparisons; #macro/#evaluate/#include/#parse
// are refused), from the AWS "API Gateway mapping template and access logging
// variable reference" and outputs recorded on API Gateway.
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
    // A definite path that selects nothing is the JSON text of an empty string.
    {"json_missing_is_empty_json_string", "[$input.json('$.missing')]", "[\"\"]"},
    {"json_missing_in_document", "{\"v\": $input.json('$.nested.none')}", "{\"v\": \"\"}"},
    {"json_missing_after_path", "#set($b = $input.path('$'))[$input.json('$.missing')]", "[\"\"]"},
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
    // What nothing is, as API Gateway compares it: equal to $null and to "" (a recorded template).
    {"path_missing_is_null_and_empty",
     "#set($result = $input.path('$.nonExisting')){\"body\": $result, \"nested\": $result.nested, \"isNull\": "
     "#if( $result == $null )\"true\"#else\"false\"#end, \"isEmptyString\": #if( $result == \"\" )\"true\"#else\"false\"#end}",
     R"({"body": , "nested": , "isNull": "true", "isEmptyString": "true"})"},
    {"path_json_null_is_null_and_empty",
     "#set($result = $input.path('$.nothing')){\"isNull\": #if( $result == $null )\"true\"#else\"false\"#end, "
     "\"isEmptyString\": #if( $result == \"\" )\"true\"#else\"false\"#end}",
     R"({"isNull": "true", "isEmptyString": "true"})"},
    {"path_missing_compared_directly", "#if($input.path('$.missing') == \"\")a#end#if($input.path('$.missing') != $null)b#{else}c#end", "ac"},
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
    // $input.path hands out the body's own objects: what a template changes, $input.json reads.
    {"path_root_is_the_body", "#set($b = $input.path('$'))#set($b.tag = \"x\")$input.json('$')",
     R"({"name":"Ann","age":30,"tags":["a","b"],"nested":{"x":1,"y":[{"c":5}]},"price":10.5,"flag":true,"nothing":null,"text":"line1\nline2 \"q\" it's","tag":"x"})"},
    {"path_root_put_is_seen", "#set($b = $input.path('$'))$b.put('tag', 'y')$input.json('$.tag') $input.path('$.tag')", "\"y\" y"},
    {"path_part_is_the_bodys", "#set($n = $input.path('$.nested'))#set($n.z = 2)$input.json('$.nested')",
     R"({"x":1,"y":[{"c":5}],"z":2})"},
    {"path_change_seen_by_path", "#set($b = $input.path('$'))#set($b.nested.x = 7)$input.path('$.nested.x')", "7"},
    {"path_list_change_seen", "#set($t = $input.path('$.tags'))$t.add('c')$input.json('$.tags') $input.json('$.tags[*]')",
     R"(true["a","b","c"] ["a","b","c"])"},
    // A map taken out of a JSON list prints Java-style, as the list's own maps do not.
    {"path_list_element_map_java_style", "$input.path('$.nested.y')[0] #foreach($m in $input.path('$.nested.y'))$m#end",
     "{c=5} {c=5}"},
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
    // $input.params(): the maps path, querystring and header, by property or get().
    {"params_query_property", "$input.params().querystring.q $input.params().get('querystring').get('q')", "search search"},
    {"params_header_property", "$input.params().header.get('User-Agent') $input.params().header['X-Token']", "curl/8 t0k"},
    {"params_iterates_as_its_maps", "#foreach($m in $input.params())$m.size(),#end", "1,2,2,"},
    {"params_by_type", "#set($all = $input.params())#foreach($type in $all.keySet())$type=$all.get($type);#end",
     "path={id=42};querystring={id=q-id, q=search};header={User-Agent=curl/8, X-Token=t0k};"},
    {"params_prints_java_style", "$input.params()",
     "{path={id=42}, querystring={id=q-id, q=search}, header={User-Agent=curl/8, X-Token=t0k}}"},
    // A reference without a value is "" in conditions and comparisons (evaluator.cpp cites the
    // recordings): #if of it is true, ! of it false.
    {"if_undefined_is_true", "#if($nothing)a#{else}b#end", "a"},
    {"if_not_undefined_is_false", "#if(!$nothing)a#{else}b#end", "b"},
    {"if_missing_property_is_true", "#set($elem = {})#if($elem.value)Value is defined.#end", "Value is defined."},
    {"if_json_null_is_true", "#if($input.path('$.nothing'))a#{else}b#end#if(!$input.path('$.missing'))c#{else}d#end", "ad"},
    {"if_undefined_not_unequal_to_empty", "#if( $foo.bar.stuff != '')\"first\"#else\"second\"#end", "\"second\""},
    {"if_undefined_equals_null_and_empty", "#if($nothing == $null)a#end#if($nothing == \"\")b#end#if($nothing == 1)c#{else}d#end",
     "abd"},
    {"if_undefined_and_or", "#if($nothing && true)a#end#if($nothing || false)b#end", "ab"},
    {"if_elseif_undefined", "#if(false)a#elseif($nothing)b#{else}c#end", "b"},
    {"if_false_is_still_false", "#set($f = false)#if($f)a#{else}b#end#if(!$f)c#end", "bc"},
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

// A list or map a template would store inside itself (the body's own objects included) fails the
// render (the gateway's 500): such a value could never be written out, compared or freed.
TEST(VtlGateway, AValueStoredInsideItselfFailsTheRender) {
  for (const char* text : {
           "#set($b = $input.path('$'))#set($b.me = $b)$input.json('$')",
           "#set($b = $input.path('$'))#set($b.nested.back = $b)ok",
           "#set($b = $input.path('$'))#set($n = $b.nested)#set($ignored = $n.put('up', $b))ok",
           "#set($a = {})#set($c = {'a': $a})#set($a.c = $c)ok",
           "#set($l = [])#set($m = {'l': $l})#set($ignored = $l.add($m))ok",
           "#set($l = [1])#set($outer = [$l])#set($ignored = $l.addAll($outer))ok",
           "#set($m = {})#set($w = {'m': $m})#set($ignored = $m.putAll($w))ok",
       }) {
    auto rendered = render(text, kBody);
    ASSERT_FALSE(rendered.ok()) << text;
    EXPECT_NE(rendered.error().message.find("cannot be stored inside itself"), std::string::npos)
        << text << ": " << rendered.error().message;
  }
  // What only looks alike is stored: a list's own items again, a map into another.
  auto fine = render("#set($l = [1, 2])#set($ignored = $l.addAll($l))#set($m = {})#set($n = {'m': $m})$l $n", kBody);
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(*fine, "[1, 2, 1, 2] {m={}}");
}

// Nesting a template builds a level per iteration is bounded where it is printed or compared, and
// freeing it never recurses (30,000 levels would overflow the stack).
TEST(VtlGateway, DeeplyNestedValuesFailToPrintAndAreFreed) {
  const std::string build = "#set($m = {})#foreach($i in [1..500])#foreach($j in [1..60])#set($m = {'n': $m})#end#end";
  auto quiet = render(build + "|done", kBody);
  ASSERT_TRUE(quiet.ok()) << quiet.error().message;
  EXPECT_EQ(*quiet, "|done");
  for (const std::string tail : {"$m", "$util.escapeJavaScript($m)", "#if($m.n == $m)x#end", "[$m.n.n]"}) {
    auto rendered = render(build + tail, kBody);
    ASSERT_FALSE(rendered.ok()) << tail;
    EXPECT_NE(rendered.error().message.find("nested more than 1000 levels"), std::string::npos)
        << tail << ": " << rendered.error().message;
  }
  // The same value is equal to itself without looking inside (Java's equals starts there).
  auto same = render(build + "#if($m == $m)same#end", kBody);
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(*same, "same");
}

}  // namespace
}  // namespace portico::vtl
