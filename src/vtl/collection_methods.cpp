// Collection methods: ArrayList and LinkedHashMap semantics over List and Map.
#include "vtl/collection_methods.h"

#include <algorithm>

namespace portico::vtl {
namespace {

using Args = std::vector<Value>;
using MethodResult = Result<std::optional<Value>>;

class MapEntry final : public HostObject {
 public:
  MapEntry(std::string key, Value value) : key_(std::move(key)), value_(std::move(value)) {}
  Value property(std::string_view name) const override {
    if (name == "key") return Value::string(key_);
    if (name == "value") return value_;
    return {};
  }
  Result<std::optional<Value>> call(std::string_view name, const std::vector<Value>& args) const override {
    if (!args.empty()) return std::optional<Value>();
    if (name == "getKey") return std::optional(Value::string(key_));
    if (name == "getValue") return std::optional(value_);
    if (name == "toString") return std::optional(Value::string(toString()));
    return std::optional<Value>();
  }
  std::string toString() const override {
    std::string out = key_ + "=";
    out += value_.isNull() ? "null" : value_.toString();
    return out;
  }

 private:
  std::string key_;
  Value value_;
};

ApiError outOfBounds(std::string_view method, std::int64_t index, std::size_t size) {
  return ApiError::internal("IndexOutOfBoundsException in List." + std::string(method) + ": Index " +
                            std::to_string(index) + " out of bounds for length " + std::to_string(size));
}

std::string keyOf(const Value& key) {
  return key.isNull() ? "null" : key.toString();
}

}  // namespace

MethodResult callListMethod(const Value& listValue, std::string_view name, const Args& args) {
  auto& items = listValue.asList().items;
  const auto size = static_cast<std::int64_t>(items.size());
  auto find = [&](const Value& v) -> std::int64_t {
    auto it = std::find_if(items.begin(), items.end(), [&](const Value& x) { return javaEquals(x, v); });
    return it == items.end() ? -1 : it - items.begin();
  };
  if (args.empty()) {
    if (name == "size") return std::optional(Value::integer(size));
    if (name == "isEmpty") return std::optional(Value::boolean(items.empty()));
    if (name == "toString") return std::optional(Value::string(listValue.toString()));
    if (name == "clear") {
      items.clear();
      return std::optional(Value());
    }
    return std::optional<Value>();
  }
  if (args.size() == 1) {
    const Value& a = args[0];
    if (name == "get" && a.isInt()) {
      if (a.asInt() < 0 || a.asInt() >= size) return outOfBounds(name, a.asInt(), items.size());
      return std::optional(items[static_cast<std::size_t>(a.asInt())]);
    }
    if (name == "add") {
      items.push_back(a);
      return std::optional(Value::boolean(true));
    }
    if (name == "contains") return std::optional(Value::boolean(find(a) >= 0));
    if (name == "indexOf") return std::optional(Value::integer(find(a)));
    if (name == "equals") return std::optional(Value::boolean(javaEquals(listValue, a)));
    if (name == "remove") {
      if (a.isInt()) {  // remove(int index), as Velocity picks for an Integer
        if (a.asInt() < 0 || a.asInt() >= size) return outOfBounds(name, a.asInt(), items.size());
        Value removed = items[static_cast<std::size_t>(a.asInt())];
        items.erase(items.begin() + a.asInt());
        return std::optional(std::move(removed));
      }
      std::int64_t at = find(a);
      if (at >= 0) items.erase(items.begin() + at);
      return std::optional(Value::boolean(at >= 0));
    }
    if (name == "addAll" && a.isList()) {
      std::vector<Value> copy = a.asList().items;
      items.insert(items.end(), copy.begin(), copy.end());
      return std::optional(Value::boolean(!copy.empty()));
    }
  }
  if (args.size() == 2 && args[0].isInt()) {
    std::int64_t i = args[0].asInt();
    if (name == "set") {
      if (i < 0 || i >= size) return outOfBounds(name, i, items.size());
      return std::optional(std::exchange(items[static_cast<std::size_t>(i)], args[1]));
    }
    if (name == "add") {
      if (i < 0 || i > size) return outOfBounds(name, i, items.size());
      items.insert(items.begin() + i, args[1]);
      return std::optional(Value());
    }
    if (name == "subList" && args[1].isInt()) {
      std::int64_t e = args[1].asInt();
      if (i < 0 || e > size || i > e) return outOfBounds(name, i, items.size());
      return std::optional(Value::newList(std::vector<Value>(items.begin() + i, items.begin() + e)));
    }
  }
  return std::optional<Value>();
}

MethodResult callMapMethod(const Value& mapValue, std::string_view name, const Args& args) {
  Map& map = mapValue.asMap();
  if (args.empty()) {
    if (name == "size") return std::optional(Value::integer(static_cast<std::int64_t>(map.size())));
    if (name == "isEmpty") return std::optional(Value::boolean(map.size() == 0));
    if (name == "toString") return std::optional(Value::string(mapValue.toString()));
    if (name == "keySet" || name == "values" || name == "entrySet") {
      std::vector<Value> out;
      for (const auto& [key, value] : map.entries()) {
        if (name == "keySet") {
          out.push_back(Value::string(key));
        } else if (name == "values") {
          out.push_back(value);
        } else {
          out.push_back(makeMapEntry(key, value));
        }
      }
      return std::optional(Value::newList(std::move(out)));
    }
    if (name == "clear") {
      while (map.size()) map.remove(map.entries().front().first);
      return std::optional(Value());
    }
    return std::optional<Value>();
  }
  if (args.size() == 1) {
    const Value& a = args[0];
    if (name == "get") {
      const Value* v = map.find(keyOf(a));
      return std::optional(v ? *v : Value());
    }
    if (name == "containsKey") return std::optional(Value::boolean(map.find(keyOf(a)) != nullptr));
    if (name == "containsValue") {
      bool found = std::any_of(map.entries().begin(), map.entries().end(),
                               [&](const auto& entry) { return javaEquals(entry.second, a); });
      return std::optional(Value::boolean(found));
    }
    if (name == "remove") return std::optional(map.remove(keyOf(a)));
    if (name == "equals") return std::optional(Value::boolean(javaEquals(mapValue, a)));
    if (name == "putAll" && a.isMap()) {
      auto entries = a.asMap().entries();
      for (auto& [key, value] : entries) map.put(key, value);
      return std::optional(Value());
    }
  }
  if (args.size() == 2) {
    if (name == "put") return std::optional(map.put(keyOf(args[0]), args[1]));
    if (name == "getOrDefault") {
      const Value* v = map.find(keyOf(args[0]));
      return std::optional(v ? *v : args[1]);
    }
    if (name == "putIfAbsent") {
      if (const Value* v = map.find(keyOf(args[0])); v && !v->isNull()) return std::optional(*v);
      map.put(keyOf(args[0]), args[1]);
      return std::optional(Value());
    }
  }
  return std::optional<Value>();
}

Value makeMapEntry(std::string key, Value value) {
  return Value::object(std::make_shared<MapEntry>(std::move(key), std::move(value)));
}

}  // namespace portico::vtl
