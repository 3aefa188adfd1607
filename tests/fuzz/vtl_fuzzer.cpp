// libFuzzer target for the Velocity engine: parses the input as a mapping template and, when it
// compiles, renders it over a request body. Input layout: template bytes, then optionally a NUL
// byte and the body. Any crash, sanitizer report, hang or runaway allocation is a bug: templates
// are user input, and rendering must stay bounded (iterations, recursion, output size).
// Built and run by run_fuzzer.sh (clang, -fsanitize=fuzzer,address,undefined).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vtl/template_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto engine = portico::vtl::makeVelocityTemplateEngine();
  static const std::map<std::string, std::string> path{{"id", "42"}, {"proxy", "a/b"}};
  static const std::map<std::string, std::string> query{{"q", "x y"}, {"n", "3"}};
  static const std::map<std::string, std::string> headers{{"Content-Type", "application/json"}, {"X-A", "b"}};
  static const std::map<std::string, std::string> stageVars{{"env", "dev"}};
  static const boost::json::object context{{"requestId", "r-1"},
                                           {"stage", "dev"},
                                           {"identity", boost::json::object{{"sourceIp", "127.0.0.1"}}},
                                           {"authorizer", boost::json::object{{"principalId", "me"}}}};
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t nul = input.find('\0');
  std::string_view text = input.substr(0, nul);
  std::string_view body =
      nul == std::string_view::npos ? std::string_view(R"({"a":[1,2,{"b":"c"}]})") : input.substr(nul + 1);
  auto compiled = engine->compile(text);
  if (!compiled) return 0;
  portico::vtl::TemplateInput in;
  in.body = body;
  in.pathParams = &path;
  in.queryParams = &query;
  in.headers = &headers;
  in.stageVariables = &stageVars;
  in.context = &context;
  auto out = (*compiled)->render(in);
  (void)out;
  return 0;
}
