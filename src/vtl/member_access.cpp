// Member access: property, index and method dispatch by value kind.
#include "vtl/member_access.h"

#include <cctype>
#include <cmath>

#include "vtl/collection_methods.h"
#include "vtl/string_methods.h"

namespace portico::vtl {
namespace {

std::optional<Value> callNumberMethod(const Value& n, std::string_view name, const std::vector<Value>& args) {
  if (name == "equals" && args.size() == 1) return Value::boolean(javaEquals(n, args[0]));
  if (!args.empty()) return std::nullopt;
  if (name == "toString") return Value::string(n.toString());
  if (name == "intValue" || name == "longValue") {
    if (n.isInt()) return n;
    double d = n.asDouble();
    if (std::isnan(d)) return Value::integer(0);
    if (d >= 9.2e18) return Value::integer(INT64_MAX);
    if (d <= -9.2e18) return Value::integer(INT64_MIN);
    return Value::integer(static_cast<std::int64_t>(d));
  }
  if (name == "doubleValue" || name == "floatValue") return Value::real(n.asDouble());
  return std::nullopt;
}

}  // namespace

Value getProperty(const Value& target, std::string_view name) {
  switch (target.kind()) {
    case Value::Kind::kMap: {
      const Value* v = target.asMap().find(name);
      return v ? *v : Value();
    }
    case Value::Kind::kObject:
      return target.asObject().property(name);
    case Value::Kind::kString:
      if (name == "empty") return Value::boolean(target.asString().empty());
      if (name == "bytes") return {};
      return {};
    case Value::Kind::kList:
      if (name == "empty") return Value::boolean(target.asList().items.empty());
      return {};
    default:
      return {};
  }
}

Value getIndex(const Value& target, const Value& index) {
  if (target.isList() && index.isInt()) {
    const auto& items = target.asList().items;
    std::int64_t i = index.asInt();
    if (i < 0 || i >= static_cast<std::int64_t>(items.size())) return {};
    return items[static_cast<std::size_t>(i)];
  }
  if (target.isMap()) {
    const Value* v = target.asMap().find(index.toString());
    return v ? *v : Value();
  }
  if (target.isObject()) return target.asObject().property(index.toString());
  return {};
}

Result<Value> callMethod(const Value& target, std::string_view name, const std::vector<Value>& args,
                         RegexCache& regexes) {
  Result<std::optional<Value>> result = std::optional<Value>();
  switch (target.kind()) {
    case Value::Kind::kString:
      result = callStringMethod(target.asString(), name, args, regexes);
      break;
    case Value::Kind::kList:
      result = callListMethod(target, name, args);
      break;
    case Value::Kind::kMap:
      result = callMapMethod(target, name, args);
      break;
    case Value::Kind::kObject:
      result = target.asObject().call(name, args);
      break;
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      result = callNumberMethod(target, name, args);
      break;
    case Value::Kind::kBool:
      if (args.empty() && (name == "toString" || name == "booleanValue")) {
        result = std::optional(name == "toString" ? Value::string(target.toString()) : target);
      } else if (name == "equals" && args.size() == 1) {
        result = std::optional(Value::boolean(javaEquals(target, args[0])));
      }
      break;
    case Value::Kind::kNull:
      return Value();
  }
  if (!result) return result.takeError();
  if (result->has_value()) return std::move(**result);
  // Velocity resolves getFoo()/isFoo() calls as properties too.
  if (args.empty() && name.size() > 3 && name.substr(0, 3) == "get" && !target.isMap()) {
    std::string prop(name.substr(3));
    if (!prop.empty()) prop[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(prop[0])));
    return getProperty(target, prop);
  }
  if (args.size() == 1 && name == "get" && target.isObject()) return target.asObject().property(args[0].toString());
  return Value();
}

void setMember(const Value& target, const Value& key, Value value) {
  if (target.isMap()) {
    target.asMap().put(key.isNull() ? "null" : key.toString(), std::move(value));
  } else if (target.isList() && key.isInt()) {
    auto& items = target.asList().items;
    if (key.asInt() >= 0 && key.asInt() < static_cast<std::int64_t>(items.size())) {
      items[static_cast<std::size_t>(key.asInt())] = std::move(value);
    }
  }
}

}  // namespace portico::vtl
