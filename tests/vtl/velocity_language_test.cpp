// Velocity language cases for the VTL engine: references, directives, literals,
// operators, Java methods and Velocity 1.7 whitespace. Each template is
// self-contained (it builds its own data with #set), so every expected output
// here is what Apache Velocity 1.7 prints for it. API Gateway agrees on them: none
// renders an undefined reference, and where one is compared (cmp_eq_nulls) the ""
// API Gateway resolves it to gives the same answer (its #if of one is in
// api_gateway_template_test.cpp). set_null_keeps_value is stock Velocity's #set of
// null, not recorded on API Gateway.
#include <gtest/gtest.h>

#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

struct LanguageCase {
  const char* name;
  const char* text;
  const char* expected;
};

// clang-format off
const LanguageCase kLanguageCases[] = {
    {"text_plain", "hello world", "hello world"},
    {"text_empty", "", ""},
    {"text_multiline", "a\nb\n", "a\nb\n"},
    {"ref_simple", "#set($x = \"v\")[$x]", "[v]"},
    {"ref_braced", "#set($x = \"v\")${x}y", "vy"},
    {"ref_quiet", "#set($x = 1)$!x $!{x}", "1 1"},
    {"ref_dollar_number", "costs $5.00", "costs $5.00"},
    {"ref_lone_dollar", "a $ b $ c", "a $ b $ c"},
    {"ref_dot_text", "#set($x = \"v\")$x. end", "v. end"},
    {"ref_hyphen_ident", "#set($a = 1)${a}-2", "1-2"},
    {"ref_property_map", "#set($m = {\"k\": \"v\"})$m.k", "v"},
    {"ref_nested_property", "#set($m = {\"a\": {\"b\": {\"c\": 7}}})$m.a.b.c", "7"},
    {"ref_index_list", "#set($l = [\"x\", \"y\", \"z\"])$l[1]", "y"},
    {"ref_index_map", "#set($m = {\"k\": \"v\"})$m[\"k\"]", "v"},
    {"ref_index_var", "#set($l = [10, 20])#set($i = 1)$l[$i]", "20"},
    {"ref_index_chain", "#set($l = [{\"a\": [1, 2]}])$l[0].a[1]", "2"},
    {"ref_method_chain", "#set($s = \" Hi \")$s.trim().toUpperCase().length()", "2"},
    {"escape_ref", "#set($x = 1)\\$x", "$x"},
    {"escape_double_backslash", "#set($x = 1)\\\\$x", "\\1"},
    {"escape_triple_backslash", "#set($x = 1)\\\\\\$x", "\\$x"},
    {"escape_directive", "\\#set($!x = 1)", "#set( = 1)"},
    {"escape_if", "\\#if(true)x\\#end", "#if(true)x#end"},
    {"escape_backslash_plain", "a\\b \\n", "a\\b \\n"},
    {"comment_line", "a ## comment\nb", "a b"},
    {"comment_line_only", "## header\nbody", "body"},
    {"comment_block", "a#* hidden\nstill *#b", "ab"},
    {"comment_block_newline_kept", "a #* c *#\nb", "a \nb"},
    {"unparsed_block", "#[[$x #if]]#", "$x #if"},
    {"hash_literal", "#1 #notadirective # x", "#1 #notadirective # x"},
    {"set_string", "#set($a = \"x\")$a", "x"},
    {"set_single_quoted_no_interp", "#set($v = 1)#set($a = '$v')$a", "$v"},
    {"set_interpolated", "#set($v = 1)#set($a = \"n=$v\")$a", "n=1"},
    {"set_int", "#set($a = 42)$a", "42"},
    {"set_negative", "#set($a = -3)$a", "-3"},
    {"set_float", "#set($a = 1.5)$a", "1.5"},
    {"set_bool", "#set($a = true)$a #set($b = false)$b", "truefalse"},
    {"set_list", "#set($a = [1, \"two\", 3.0])$a", "[1, two, 3.0]"},
    {"set_empty_list", "#set($a = [])$a $a.size()", "[] 0"},
    {"set_map", "#set($a = {\"x\": 1, \"y\": \"z\"})$a", "{x=1, y=z}"},
    {"set_empty_map", "#set($a = {})$a $a.size()", "{} 0"},
    {"set_range", "#set($a = [1..4])$a", "[1, 2, 3, 4]"},
    {"set_range_down", "#set($a = [3..-1])$a", "[3, 2, 1, 0, -1]"},
    {"set_range_vars", "#set($lo = 2)#set($hi = 4)#set($a = [$lo..$hi])$a", "[2, 3, 4]"},
    {"set_map_property", "#set($m = {})#set($m.k = \"v\")$m", "{k=v}"},
    {"set_map_index", "#set($m = {})#set($m[\"k\"] = 2)$m.k", "2"},
    {"set_list_index", "#set($l = [1, 2])#set($l[0] = 9)$l", "[9, 2]"},
    {"set_null_keeps_value", "#set($y = 1)#set($y = $nothing)$y", "1"},
    {"set_line_eaten", "a\n#set($x = 1)\nb", "a\nb"},
    {"set_indent_kept_after_text", "a\n  #set($x = 1)\nb", "a\n  b"},
    {"set_blank_after_ref_eaten", "#set($x = 1)$x   #set($y = 2)$y", "12"},
    {"set_at_start_indent_eaten", "  #set($x = 1)\n$x", "1"},
    {"set_alias", "#set($a = [1])#set($b = $a)#set($ok = $b.add(2))$a", "[1, 2]"},
    {"set_self_reference", "#set($n = 1)#set($n = $n + 1)$n", "2"},
    {"if_true", "#if(true)yes#end", "yes"},
    {"if_false", "#if(false)yes#end.", "."},
    {"if_else", "#if(false)a#{else}b#end", "b"},
    {"if_elseif", "#set($n = 2)#if($n == 1)one#elseif($n == 2)two#{else}many#end", "two"},
    {"if_elseif_else", "#set($n = 5)#if($n == 1)one#elseif($n == 2)two#{else}many#end", "many"},
    {"if_braced_forms", "#{if}(true)a#{else}b#{end}", "a"},
    {"if_space_before_paren", "#if (true)x#end", "x"},
    {"if_nested", "#if(true)#if(false)a#{else}b#end#end", "b"},
    {"if_lines", "#if(true)\nyes\n#end\nafter", "yes\nafter"},
    {"if_indented_lines", "x\n  #if(true)\n  y\n  #end\nz", "x\n    y\n  z"},
    {"if_else_lines", "#if(false)\na\n#else\nb\n#end\nc", "b\nc"},
    {"if_inline_end_eats_newline", "#if(true)yes#end\nnext", "yesnext"},
    {"if_trailing_blanks_eaten", "#if(true)   \nx#end", "x"},
    {"if_empty_string_var_true", "#set($e = \"\")#if($e)T#{else}F#end", "T"},
    {"if_zero_true", "#set($z = 0)#if($z)T#{else}F#end", "T"},
    {"if_empty_list_true", "#set($l = [])#if($l)T#{else}F#end", "T"},
    {"if_not", "#if(!false)a#end#if(!true)b#{else}c#end", "ac"},
    {"if_not_word", "#if(not false)a#end", "a"},
    {"if_and_or", "#if(true && false)a#{else}b#end#if(false || true)c#end", "bc"},
    {"if_and_or_words", "#if(true and true)a#end#if(false or false)b#{else}c#end", "ac"},
    {"if_precedence", "#if(false && false || true)a#end", "a"},
    {"if_parens", "#if(false && (false || true))a#{else}b#end", "b"},
    {"cmp_eq_numbers", "#if(1 == 1)a#end#if(1 == 1.0)b#end#if(2 != 3)c#end", "abc"},
    {"cmp_eq_strings", "#if(\"a\" == \"a\")a#end#if(\"a\" != \"b\")b#end", "ab"},
    {"cmp_eq_mixed_tostring", "#if(\"1\" == 1)a#end#if(true == \"true\")b#end", "ab"},
    {"cmp_eq_nulls", "#if($nope == $nope2)a#end#if($nope == 1)b#{else}c#end", "ac"},
    {"cmp_eq_lists", "#if([1, 2] == [1, 2])a#end#if([1] == [2])b#{else}c#end", "ac"},
    {"cmp_relational", "#if(1 < 2)a#end#if(2 > 1)b#end#if(2 <= 2)c#end#if(3 >= 4)d#{else}e#end", "abce"},
    {"cmp_relational_words", "#if(1 lt 2)a#end#if(2 gt 1)b#end#if(2 le 2)c#end#if(3 ge 4)d#end#if(1 eq 1)e#end#if(1 ne 1)f#end", "abce"},
    {"cmp_relational_mixed", "#if(1 < 1.5)a#end#if(2.5 > 2)b#end", "ab"},
    {"cmp_strings_not_ordered", "#if(\"a\" < \"b\")a#{else}b#end", "b"},
    {"math_add", "#set($x = 2 + 3)$x", "5"},
    {"math_sub", "#set($x = 2 - 3)$x", "-1"},
    {"math_mul", "#set($x = 4 * 3)$x", "12"},
    {"math_div_int", "#set($x = 7 / 2)$x", "3"},
    {"math_div_negative", "#set($x = -7 / 2)$x", "-3"},
    {"math_div_float", "#set($x = 7.0 / 2)$x", "3.5"},
    {"math_mod", "#set($x = 7 % 3)$x", "1"},
    {"math_mixed", "#set($x = 3 * 1.5)$x", "4.5"},
    {"math_float_whole", "#set($x = 1.5 - 0.5)$x", "1.0"},
    {"math_precedence", "#set($x = 2 + 3 * 4)$x", "14"},
    {"math_parens", "#set($x = (2 + 3) * 4)$x", "20"},
    {"math_int_overflow_promotes", "#set($x = 2147483647 + 1)$x", "2147483648"},
    {"math_string_concat", "#set($x = \"a\" + 1)$x", "a1"},
    {"math_string_concat2", "#set($x = 1 + \"b\")$x", "1b"},
    {"math_div_zero_keeps", "#set($x = 5)#set($x = 1 / 0)$x", "5"},
    {"double_large", "#set($x = 10000000.0)$x", "1.0E7"},
    {"double_small", "#set($x = 0.0001)$x", "1.0E-4"},
    {"double_regular", "#set($x = 123.25)$x", "123.25"},
    {"double_thousandth", "#set($x = 0.001)$x", "0.001"},
    {"foreach_list", "#foreach($i in [1, 2, 3])$i,#end", "1,2,3,"},
    {"foreach_range", "#foreach($i in [1..3])$i#end", "123"},
    {"foreach_map_values", "#set($m = {\"a\": 1, \"b\": 2})#foreach($v in $m)$v;#end", "1;2;"},
    {"foreach_keyset", "#set($m = {\"a\": 1, \"b\": 2})#foreach($k in $m.keySet())$k=$m.get($k);#end", "a=1;b=2;"},
    {"foreach_entryset", "#set($m = {\"a\": 1, \"b\": 2})#foreach($e in $m.entrySet())$e.key:$e.value #end", "a:1 b:2 "},
    {"foreach_entry_tostring", "#set($m = {\"a\": 1})#foreach($e in $m.entrySet())$e#end", "a=1"},
    {"foreach_velocity_count", "#foreach($i in [\"a\", \"b\"])$velocityCount$i#end", "1a2b"},
    {"foreach_velocity_has_next", "#foreach($i in [1, 2, 3])$i#if($velocityHasNext),#end#end", "1,2,3"},
    {"foreach_scope", "#foreach($i in [7, 8])$foreach.index/$foreach.count/$foreach.hasNext #end", "0/1/true 1/2/false "},
    {"foreach_scope_first_last", "#foreach($i in [1, 2, 3])$foreach.first$foreach.last #end", "truefalse falsefalse falsetrue "},
    {"foreach_has_next_method", "#foreach($i in [1, 2])$i#if($foreach.hasNext()),#end#end", "1,2"},
    {"foreach_json_commas", "[#foreach($i in [1, 2, 3]){\"v\": $i}#if($foreach.hasNext),#end#end]", "[{\"v\": 1},{\"v\": 2},{\"v\": 3}]"},
    {"foreach_break", "#foreach($i in [1..5])#if($i == 3)#break#end$i#end", "12"},
    {"foreach_nested", "#foreach($a in [1, 2])#foreach($b in [\"x\", \"y\"])$a$b #end#end", "1x 1y 2x 2y "},
    {"foreach_nested_scope_parent", "#foreach($a in [1, 2])#foreach($b in [3])$foreach.parent.index#end#end", "01"},
    {"foreach_restores_var", "#set($i = \"keep\")#foreach($i in [1, 2])$i#end $i", "12 keep"},
    {"foreach_empty", "[#foreach($i in [])x#end]", "[]"},
    {"foreach_null", "[#foreach($i in $nothing)x#end]", "[]"},
    {"foreach_lines", "#foreach($i in [1, 2])\n$i\n#end\ndone", "1\n2\ndone"},
    {"foreach_indented", "[\n  #foreach($i in [1, 2])\n  $i\n  #end\n]", "[\n    1\n    2\n  ]"},
    {"stop_directive", "a#stop b", "a"},
    {"stop_in_loop", "#foreach($i in [1, 2, 3])$i#if($i == 2)#stop#end#end after", "12"},
    {"break_outside_loop", "a#break b", "a"},
    {"define_block", "#define($greet)Hi $name#end#set($name = \"Bo\")$greet!", "Hi Bo!"},
    {"define_reused", "#define($b)[$i]#end#foreach($i in [1, 2])$b#end", "[1][2]"},
    {"str_length", "#set($s = \"hello\")$s.length()", "5"},
    {"str_substring", "#set($s = \"hello\")$s.substring(1) $s.substring(1, 3)", "ello el"},
    {"str_indexof", "#set($s = \"hello\")$s.indexOf(\"l\") $s.indexOf(\"z\") $s.lastIndexOf(\"l\") $s.indexOf(\"l\", 3)", "2 -1 3 3"},
    {"str_replace", "#set($s = \"a.b.c\")$s.replace(\".\", \"-\")", "a-b-c"},
    {"str_replaceall", "#set($s = \"a1b22c\")$s.replaceAll(\"[0-9]+\", \"#\")", "a#b#c"},
    {"str_replaceall_group", "#set($s = \"john smith\")$s.replaceAll(\"(\\w+) (\\w+)\", \"$2, $1\")", "smith, john"},
    {"str_replacefirst", "#set($s = \"aaa\")$s.replaceFirst(\"a\", \"b\")", "baa"},
    {"str_replaceall_quote_idiom", "#set($s = \"it\\'s\")$s.replaceAll(\"\\\\'\", \"'\")", "it's"},
    {"str_matches", "#set($s = \"abc123\")$s.matches(\"[a-z]+[0-9]+\") $s.matches(\"[a-z]+\")", "true false"},
    {"str_split", "#set($s = \"a,b,,c,,\")#set($p = $s.split(\",\"))$p.size():#foreach($x in $p)[$x]#end", "4:[a][b][][c]"},
    {"str_split_index", "#set($s = \"k=v\")#set($p = $s.split(\"=\"))$p[0]-$p[1]", "k-v"},
    {"str_case", "#set($s = \"MiXeD\")$s.toLowerCase() $s.toUpperCase()", "mixed MIXED"},
    {"str_trim", "#set($s = \"  pad  \")[$s.trim()]", "[pad]"},
    {"str_contains", "#set($s = \"hello\")$s.contains(\"ell\") $s.contains(\"x\")", "true false"},
    {"str_starts_ends", "#set($s = \"hello\")$s.startsWith(\"he\") $s.endsWith(\"lo\") $s.endsWith(\"x\")", "true true false"},
    {"str_equals", "#set($s = \"Hi\")$s.equals(\"Hi\") $s.equals(\"hi\") $s.equalsIgnoreCase(\"hI\")", "true false true"},
    {"str_isempty", "#set($e = \"\")#set($s = \"x\")$e.isEmpty() $s.isEmpty() $e.empty", "true false true"},
    {"str_charat", "#set($s = \"hello\")$s.charAt(1)", "e"},
    {"str_concat", "#set($s = \"ab\")$s.concat(\"cd\")", "abcd"},
    {"str_interp_method_args", "#set($s = \"x\")#set($t = \"[$s.toUpperCase()]\")$t", "[X]"},
    {"str_in_double_quotes_raw_backslash", "#set($s = \"a\\tb\")$s", "a\\tb"},
    {"list_methods", "#set($l = [1, 2, 3])$l.size() $l.get(0) $l.contains(2) $l.isEmpty() $l.indexOf(3)", "3 1 true false 2"},
    {"list_add_prints_true", "#set($l = [])$l.add(\"x\") $l", "true [x]"},
    {"list_add_silent", "#set($l = [])#set($ok = $l.add(1))#set($ok = $l.add(2))$l", "[1, 2]"},
    {"list_remove_index", "#set($l = [\"a\", \"b\"])$l.remove(0) $l", "a [b]"},
    {"list_set", "#set($l = [1, 2])$l.set(1, 5) $l", "2 [1, 5]"},
    {"list_nested_print", "#set($l = [[1, 2], {\"a\": \"b\"}])$l", "[[1, 2], {a=b}]"},
    {"map_methods", "#set($m = {\"a\": 1, \"b\": 2})$m.size() $m.get(\"a\") $m.containsKey(\"b\") $m.containsKey(\"z\") $m.isEmpty()", "2 1 true false false"},
    {"map_keyset_values", "#set($m = {\"a\": 1, \"b\": 2})$m.keySet() $m.values()", "[a, b] [1, 2]"},
    {"map_put_returns_previous", "#set($m = {\"a\": 1})$m.put(\"a\", 5) $m", "1 {a=5}"},
    {"map_remove", "#set($m = {\"a\": 1, \"b\": 2})$m.remove(\"a\") $m", "1 {b=2}"},
    {"map_insertion_order", "#set($m = {})#set($m.z = 1)#set($m.a = 2)#set($m.m = 3)$m", "{z=1, a=2, m=3}"},
    {"map_nested_print", "#set($m = {\"a\": [1, 2], \"b\": {\"c\": \"d\"}})$m", "{a=[1, 2], b={c=d}}"},
    {"map_null_value_print", "#set($m = {\"a\": 1})#set($x = $m.put(\"b\", $nope))$m.size()", "2"},
    {"string_interp_directive", "#set($x = \"#if(true)yes#end\")$x", "yes"},
    {"string_interp_nested_quotes", "#set($k = \"a\")#set($m = {\"a\": 1})#set($x = \"v=$m.get('a')\")$x", "v=1"},
    {"number_methods", "#set($n = 5)$n.toString() #set($d = 2.75)$d.intValue()", "52"},
    {"whitespace_multiple_directives", "#set($a = 1)\n#set($b = 2)\n$a$b\n#if(true)\n#end\nx", "12\nx"},
    {"json_template_shape", "{\n  \"items\": [\n#foreach($i in [1, 2])\n    {\"id\": $i}#if($foreach.hasNext),#end\n\n#end\n  ]\n}", "{\n  \"items\": [\n    {\"id\": 1},\n    {\"id\": 2}\n  ]\n}"},
};
// clang-format on

class VtlLanguageTest : public ::testing::TestWithParam<LanguageCase> {};

TEST_P(VtlLanguageTest, RendersLikeVelocity) {
  const LanguageCase& c = GetParam();
  auto engine = makeVelocityTemplateEngine();
  auto compiled = engine->compile(c.text);
  ASSERT_TRUE(compiled.ok()) << compiled.error().message;
  TemplateInput input;
  auto rendered = (*compiled)->render(input);
  ASSERT_TRUE(rendered.ok()) << rendered.error().message;
  EXPECT_EQ(*rendered, c.expected) << "template: " << c.text;
}

INSTANTIATE_TEST_SUITE_P(Vtl, VtlLanguageTest, ::testing::ValuesIn(kLanguageCases),
                         [](const ::testing::TestParamInfo<LanguageCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace portico::vtl
