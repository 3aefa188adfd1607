#include "app/demo.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "app/operation_call.h"
#include "common/json_util.h"

namespace portico::app {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// One management operation in-process with a JSON body, as the CLI would call it over HTTP.
Result<bj::object> call(const control::RouteTable& routes, verb method, std::vector<std::string> segments,
                        const bj::object& body) {
  return callOperation(routes, method, std::move(segments), {}, bj::serialize(body));
}

}  // namespace

std::optional<std::string> ensureDemoApi(const control::RouteTable& routes) {
  auto list = call(routes, verb::get, {"restapis"}, {});
  if (list) {
    if (auto* items = list->if_contains("item"); items && items->is_array()) {
      for (auto& api : items->get_array()) {
        if (json::strOr(api.get_object(), "name", "") == "portico-demo") {
          return json::strOr(api.get_object(), "id", "");
        }
      }
    }
  }
  auto fail = [](const ApiError& e) -> std::optional<std::string> {
    spdlog::error("demo API not created: {}", e.message);
    return std::nullopt;
  };
  auto api = call(routes, verb::post, {"restapis"},
                  bj::object{{"name", "portico-demo"}, {"description", "Created by portico serve --demo"}});
  if (!api) return fail(api.error());
  std::string id = json::strOr(*api, "id", "");
  std::string root = json::strOr(*api, "rootResourceId", "");
  auto hello = call(routes, verb::post, {"restapis", id, "resources", root}, bj::object{{"pathPart", "hello"}});
  if (!hello) return fail(hello.error());
  std::string rid = json::strOr(*hello, "id", "");
  std::vector<std::string> method{"restapis", id, "resources", rid, "methods", "GET"};
  auto step = [&](verb v, std::vector<std::string> path, bj::object body) {
    auto r = call(routes, v, std::move(path), body);
    return r ? std::optional<ApiError>() : std::optional<ApiError>(r.error());
  };
  auto with = [&](std::initializer_list<std::string> tail) {
    auto p = method;
    p.insert(p.end(), tail);
    return p;
  };
  std::optional<ApiError> err;
  if (!err) err = step(verb::put, method, {{"authorizationType", "NONE"}});
  if (!err) {
    err = step(verb::put, with({"integration"}),
               {{"type", "MOCK"}, {"requestTemplates", bj::object{{"application/json", "{\"statusCode\": 200}"}}}});
  }
  if (!err) err = step(verb::put, with({"responses", "200"}), {});
  if (!err) {
    err = step(verb::put, with({"integration", "responses", "200"}),
               {{"responseTemplates",
                 bj::object{{"application/json", "{\"message\": \"Hello from Portico\", \"demo\": true}"}}}});
  }
  if (!err) err = step(verb::post, {"restapis", id, "deployments"}, {{"stageName", "demo"}});
  if (err) return fail(*err);
  return id;
}

}  // namespace portico::app
