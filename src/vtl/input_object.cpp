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

Result<const Value*> InputObject::bodyValue() const {
  if (!body_) {
    auto root = parsedBody();
    if (!root) return root.takeError();
    body_ = Value::fromJson(**root);
  }
  return &*body_;
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

/// What API Gateway's $input.json renders for a definite path that selects nothing: the JSON text
/// of an empty string, `""` (where $input.path gives nothing).
constexpr std::string_view kJsonOfNothing = "\"\"";

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

/// withinCopyBudget for values of the body's tree, which a template may have nested without limit
/// or linked into itself (`#set($b.me = $b)`): the count also stops below kMaxValueNesting.
bool withinPrintBudget(const std::vector<Value>& values, std::size_t budget) {
  std::vector<std::pair<const Value*, int>> pending;
  pending.reserve(values.size());
  for (const auto& v : values) pending.emplace_back(&v, 0);
  while (!pending.empty()) {
    auto [v, depth] = pending.back();
    pending.pop_back();
    if (budget-- == 0 || depth > kMaxValueNesting) return false;
    if (v->isMap()) {
      for (const auto& [k, child] : v->asMap().entries()) pending.emplace_back(&child, depth + 1);
    } else if (v->isList()) {
      for (const auto& child : v->asList().items) pending.emplace_back(&child, depth + 1);
    }
  }
  return true;
}

ApiError selectionTooLarge(const std::string& pathText) {
  // What the selection would make is out of all proportion to the body: refused, as a template
  // that overruns its render budget is.
  return ApiError::internal("Invalid JSONPath '" + pathText + "': the selection is too large");
}

}  // namespace

Result<std::optional<Value>> InputObject::select(const std::string& pathText, bool asJsonText) const {
  // Until a $input.path has handed out the body's objects, $input.json reads the document itself.
  if (asJsonText && !body_) return selectJson(pathText);
  auto path = JsonPath::parse(pathText);
  if (!path) return ApiError::internal(path.error().message);
  auto root = bodyValue();
  if (!root) return root.takeError();
  const std::size_t budget = JsonPath::kSelectBudget + body().size();
  JsonPath::ValueMatch match = path->select(**root, budget);
  if (match.overBudget || !withinPrintBudget(match.values, budget)) return selectionTooLarge(pathText);
  Value selected;
  if (match.definite) {
    if (match.values.empty()) return std::optional(asJsonText ? Value::string(std::string(kJsonOfNothing)) : Value());
    selected = std::move(match.values.front());
  } else {
    auto list = std::make_shared<List>();
    list->items = std::move(match.values);
    list->jsonText = true;
    selected = Value::list(std::move(list));
  }
  return std::optional(asJsonText ? Value::string(selected.toJson()) : std::move(selected));
}

Result<std::optional<Value>> InputObject::selectJson(const std::string& pathText) const {
  auto path = JsonPath::parse(pathText);
  if (!path) return ApiError::internal(path.error().message);
  auto root = parsedBody();
  if (!root) return root.takeError();
  // A body's own size always fits (a whole-document copy makes no more nodes than it has bytes).
  const std::size_t budget = JsonPath::kSelectBudget + body().size();
  JsonPath::Match match = path->select(**root, budget);
  if (match.overBudget || !withinCopyBudget(match.values, budget)) return selectionTooLarge(pathText);
  if (match.definite) {
    if (match.values.empty()) return std::optional(Value::string(std::string(kJsonOfNothing)));
    return std::optional(Value::string(jsonText(*match.values.front())));
  }
  boost::json::array all;
  for (const auto* v : match.values) all.push_back(*v);
  return std::optional(Value::string(jsonText(boost::json::value(std::move(all)))));
}

Value InputObject::params() const {
  if (!params_) {
    params_ = Value::newMap();
    params_->asMap().put("path", Value::mapOfStrings(input_.pathParams));
    params_->asMap().put("querystring", Value::mapOfStrings(input_.queryParams));
    params_->asMap().put("header", Value::mapOfStrings(input_.headers));
  }
  return *params_;
}

Value InputObject::param(const std::string& name) const {
  if (const auto* v = lookup(input_.pathParams, name, false)) return Value::string(*v);
  if (const auto* v = lookup(input_.queryParams, name, false)) return Value::string(*v);
  if (const auto* v = lookup(input_.headers, name, true)) return Value::string(*v);
  return Value::string("");
}

}  // namespace portico::vtl
