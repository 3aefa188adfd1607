// InputObject: $input.body / json / path / params.
#include "vtl/input_object.h"

#include <strings.h>

#include <boost/json.hpp>

#include "vtl/json_path.h"

namespace portico::vtl {
namespace {

const std::string* lookup(const std::map<std::string, std::string>* source, const std::string& name,
                          bool caseInsensitive) {
  if (!source) return nullptr;
  if (auto it = source->find(name); it != source->end()) return &it->second;
  if (caseInsensitive) {
    for (const auto& [key, value] : *source) {
      if (strcasecmp(key.c_str(), name.c_str()) == 0) return &value;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view InputObject::body() const {
  return input_.body.empty() ? std::string_view("{}") : input_.body;
}

Result<const boost::json::value*> InputObject::parsedBody() const {
  if (!parsed_) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body(), ec, {}, jsonParseOptions());
    if (ec) return ApiError::badRequest("Could not parse request body into json: " + ec.message());
    parsed_ = std::move(v);
  }
  return &*parsed_;
}

Value InputObject::property(std::string_view name) const {
  if (name == "body") return Value::string(std::string(body()));
  return {};
}

Result<std::optional<Value>> InputObject::call(std::string_view name, const std::vector<Value>& args) const {
  if (name == "getBody" && args.empty()) return std::optional(Value::string(std::string(body())));
  if ((name == "json" || name == "path") && args.size() == 1 && args[0].isString()) {
    return select(args[0].asString(), name == "json");
  }
  if (name == "params" && args.empty()) return std::optional(params());
  if (name == "params" && args.size() == 1 && args[0].isString()) return std::optional(param(args[0].asString()));
  return std::optional<Value>();
}

namespace {

/// Whether copying these values (each with its subtree) makes at most `budget` nodes: counted
/// with an early stop, so the count costs no more than the budget.
bool withinCopyBudget(const std::vector<const boost::json::value*>& values, std::size_t budget) {
  std::vector<const boost::json::value*> pending(values.begin(), values.end());
  while (!pending.empty()) {
    const boost::json::value* v = pending.back();
    pending.pop_back();
    if (budget-- == 0) return false;
    if (v->is_object()) {
      for (const auto& [k, child] : v->get_object()) pending.push_back(&child);
    } else if (v->is_array()) {
      for (const auto& child : v->get_array()) pending.push_back(&child);
    }
  }
  return true;
}

}  // namespace

Result<std::optional<Value>> InputObject::select(const std::string& pathText, bool asJsonText) const {
  auto path = JsonPath::parse(pathText);
  if (!path) return ApiError::internal(path.error().message);
  auto root = parsedBody();
  if (!root) return root.takeError();
  // A body's own size always fits (a whole-document copy makes no more nodes than it has bytes).
  const std::size_t budget = JsonPath::kSelectBudget + body().size();
  JsonPath::Match match = path->select(**root, budget);
  if (match.overBudget || !withinCopyBudget(match.values, budget)) {
    // What the selection would make is out of all proportion to the body: refused, as a
    // template that overruns its render budget is.
    return ApiError::internal("Invalid JSONPath '" + pathText + "': the selection is too large");
  }
  if (match.definite) {
    if (match.values.empty()) return std::optional(asJsonText ? Value::string("") : Value());
    const boost::json::value& v = *match.values.front();
    return std::optional(asJsonText ? Value::string(jsonText(v)) : Value::fromJson(v));
  }
  boost::json::array all;
  for (const auto* v : match.values) all.push_back(*v);
  boost::json::value list(std::move(all));
  return std::optional(asJsonText ? Value::string(jsonText(list)) : Value::fromJson(list));
}

Value InputObject::params() const {
  Value out = Value::newMap();
  out.asMap().put("path", Value::mapOfStrings(input_.pathParams));
  out.asMap().put("querystring", Value::mapOfStrings(input_.queryParams));
  out.asMap().put("header", Value::mapOfStrings(input_.headers));
  return out;
}

Value InputObject::param(const std::string& name) const {
  if (const auto* v = lookup(input_.pathParams, name, false)) return Value::string(*v);
  if (const auto* v = lookup(input_.queryParams, name, false)) return Value::string(*v);
  if (const auto* v = lookup(input_.headers, name, true)) return Value::string(*v);
  return Value::string("");
}

}  // namespace portico::vtl
