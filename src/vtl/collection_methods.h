// Collection methods: java.util.List and java.util.Map methods as VTL templates
// call them ($list.add(1), $map.keySet()...), plus Map.Entry for entrySet().
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "vtl/value.h"

namespace portico::vtl {

/// Calls a List method; nullopt when there is no such method.
Result<std::optional<Value>> callListMethod(const Value& list, std::string_view name, const std::vector<Value>& args);
/// Calls a Map method; nullopt when there is no such method.
Result<std::optional<Value>> callMapMethod(const Value& map, std::string_view name, const std::vector<Value>& args);
/// A Map.Entry ($e.key, $e.value; prints `key=value`).
Value makeMapEntry(std::string key, Value value);

}  // namespace portico::vtl
