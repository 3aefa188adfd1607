// Evaluator: what a template may store into a list or map (never a value that holds the list or
// map itself).
#include "vtl/evaluator.h"

namespace portico::vtl {

bool Evaluator::storesArguments(std::string_view method) {
  return method == "add" || method == "addAll" || method == "set" || method == "put" || method == "putAll" ||
         method == "putIfAbsent";
}

bool Evaluator::storable(const Value& into, const Value& value) {
  // Java lets a map hold itself; printing, comparing or freeing such a value never ends, so the
  // render fails instead (API Gateway's own Velocity fails on printing one: a stack overflow).
  if (!contains(value, into)) return true;
  fail(ApiError::internal("Mapping template failed: a list or map cannot be stored inside itself"));
  return false;
}

bool Evaluator::storableArguments(const Value& into, std::string_view method, const std::vector<Value>& args) {
  if (!storesArguments(method)) return true;
  for (const auto& a : args) {
    // addAll and putAll keep what the argument holds, not the argument.
    if (method == "addAll" && a.isList()) {
      for (const auto& item : a.asList().items) {
        if (!storable(into, item)) return false;
      }
    } else if (method == "putAll" && a.isMap()) {
      for (const auto& [key, item] : a.asMap().entries()) {
        if (!storable(into, item)) return false;
      }
    } else if (!storable(into, a)) {
      return false;
    }
  }
  return true;
}

}  // namespace portico::vtl
