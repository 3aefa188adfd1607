// Render throughput of mapping templates (Google Benchmark): the console's "method request
// passthrough" template over a small JSON body, plus two smaller everyday templates.
// Built when PORTICO_BENCH=ON; run: build/release/vtl_render_bench
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "vtl/template_engine.h"

namespace {

std::string readFixture(const char* name) {
  std::ifstream in(std::string(PORTICO_SOURCE_DIR) + "/tests/e2e/integration_fixtures/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Request {
  std::map<std::string, std::string> path{{"id", "p-7"}};
  std::map<std::string, std::string> query{{"q", "cats"}, {"limit", "10"}};
  std::map<std::string, std::string> headers{{"Accept", "application/json"},
                                             {"Content-Type", "application/json"},
                                             {"User-Agent", "curl/7.88.1"},
                                             {"X-Trace", "abc"}};
  std::map<std::string, std::string> stageVariables{{"env", "dev"}, {"fn", "hello"}};
  boost::json::object context{{"requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"},
                              {"apiId", "a1b2c3d4e5"},
                              {"stage", "dev"},
                              {"httpMethod", "POST"},
                              {"resourceId", "r1"},
                              {"resourcePath", "/items/{id}"},
                              {"identity", boost::json::object{{"sourceIp", "127.0.0.1"}, {"userAgent", "curl"}}},
                              {"authorizer", boost::json::object()}};
  std::string body = R"({"name":"Rex","tags":["dog","good"],"owner":{"id":7,"email":"a@b.c"}})";

  portico::vtl::TemplateInput input() const {
    portico::vtl::TemplateInput in;
    in.body = body;
    in.pathParams = &path;
    in.queryParams = &query;
    in.headers = &headers;
    in.stageVariables = &stageVariables;
    in.context = &context;
    return in;
  }
};

void renderLoop(benchmark::State& state, const std::string& text) {
  auto engine = portico::vtl::makeVelocityTemplateEngine();
  auto compiled = engine->compile(text);
  if (!compiled) {
    state.SkipWithError(compiled.error().message.c_str());
    return;
  }
  Request request;
  auto input = request.input();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto out = (*compiled)->render(input);
    bytes += out ? out->size() : 0;
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}

void BM_Passthrough(benchmark::State& state) {
  renderLoop(state, readFixture("passthrough.vtl"));
}
BENCHMARK(BM_Passthrough);

void BM_JsonFields(benchmark::State& state) {
  renderLoop(state,
             R"t({"name": $input.json('$.name'), "owner": $input.json('$.owner.id'), "id": "$input.params('id')"})t");
}
BENCHMARK(BM_JsonFields);

void BM_ForeachTags(benchmark::State& state) {
  renderLoop(state, "[#foreach($t in $input.path('$.tags'))\"$t.toUpperCase()\"#if($foreach.hasNext),#end#end]");
}
BENCHMARK(BM_ForeachTags);

void BM_Compile(benchmark::State& state) {
  auto engine = portico::vtl::makeVelocityTemplateEngine();
  std::string text = readFixture("passthrough.vtl");
  for (auto _ : state) benchmark::DoNotOptimize(engine->compile(text));
}
BENCHMARK(BM_Compile);

}  // namespace

BENCHMARK_MAIN();
