// Value: Java-style printing, equality and JSON conversion for VTL values.
#include "vtl/value.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace portico::vtl {
namespace {

void appendJava(std::string& out, const Value& v, int depth = 0);

void appendJson(std::string& out, const Value& v, int depth = 0) {
  if (depth > kMaxValueNesting) throw ValueTooDeep();
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kString:
      appendJsonString(out, v.asString());
      return;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& item : v.asList().items) {
        if (!first) out += ',';
        first = false;
        appendJson(out, item, depth + 1);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.asMap().entries()) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, key);
        out += ':';
        appendJson(out, item, depth + 1);
      }
      out += '}';
      return;
    }
    case Value::Kind::kObject:
      appendJsonString(out, v.toString());
      return;
    default:
      out += v.toString();
  }
}

// Java's AbstractCollection/AbstractMap toString, except JSON-born lists (JSON text).
void appendJava(std::string& out, const Value& v, int depth) {
  if (depth > kMaxValueNesting) throw ValueTooDeep();
  if (v.isList()) {
    const List& list = v.asList();
    if (list.jsonText) return appendJson(out, v, depth);
    out += '[';
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      if (i) out += ", ";
      if (list.items[i].isList() && &list.items[i].asList() == &list) {
        out += "(this Collection)";
      } else {
        appendJava(out, list.items[i], depth + 1);
      }
    }
    out += ']';
    return;
  }
  if (v.isMap()) {
    const Map& map = v.asMap();
    out += '{';
    bool first = true;
    for (const auto& [key, item] : map.entries()) {
      if (!first) out += ", ";
      first = false;
      out += key;
      out += '=';
      if (item.isMap() && &item.asMap() == &map) {
        out += "(this Map)";
      } else {
        appendJava(out, item, depth + 1);
      }
    }
    out += '}';
    return;
  }
  if (v.isNull()) {
    out += "null";  // inside a collection Java prints null
    return;
  }
  out += v.toString();
}

Value fromJsonIn(const boost::json::value& json) {
  switch (json.kind()) {
    case boost::json::kind::null:
      return {};
    case boost::json::kind::bool_:
      return Value::boolean(json.get_bool());
    case boost::json::kind::int64:
      return Value::integer(json.get_int64());
    case boost::json::kind::uint64: {
      std::uint64_t u = json.get_uint64();
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) return Value::integer(static_cast<std::int64_t>(u));
      return Value::real(static_cast<double>(u));
    }
    case boost::json::kind::double_:
      return Value::real(json.get_double());
    case boost::json::kind::string:
      return Value::string(std::string(json.get_string()));
    case boost::json::kind::array: {
      auto list = std::make_shared<List>();
      list->jsonText = true;
      list->items.reserve(json.get_array().size());
      for (const auto& item : json.get_array()) list->items.push_back(fromJsonIn(item));
      return Value::list(std::move(list));
    }
    case boost::json::kind::object: {
      auto map = std::make_shared<Map>();
      for (const auto& [key, item] : json.get_object()) map->put(std::string(key), fromJsonIn(item));
      return Value::map(std::move(map));
    }
  }
  return {};
}

void appendJsonText(std::string& out, const boost::json::value& json) {
  switch (json.kind()) {
    case boost::json::kind::double_:
      out += javaDoubleString(json.get_double());
      return;
    case boost::json::kind::string:
      appendJsonString(out, json.get_string());
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : json.get_array()) {
        if (!first) out += ',';
        first = false;
        appendJsonText(out, item);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : json.get_object()) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, key);
        out += ':';
        appendJsonText(out, item);
      }
      out += '}';
      return;
    }
    default:
      out += boost::json::serialize(json);
  }
}

}  // namespace

const Value* Map::find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

Value* Map::find(std::string_view key) {
  for (auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

Value Map::put(std::string key, Value value) {
  if (Value* existing = find(key)) return std::exchange(*existing, std::move(value));
  entries_.emplace_back(std::move(key), std::move(value));
  return {};
}

Value Map::remove(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      Value old = std::move(it->second);
      entries_.erase(it);
      return old;
    }
  }
  return {};
}

Value Value::newList(std::vector<Value> items) {
  auto list = std::make_shared<List>();
  list->items = std::move(items);
  return Value::list(std::move(list));
}

Value Value::newMap() {
  return Value::map(std::make_shared<Map>());
}

Value Value::mapOfStrings(const std::map<std::string, std::string>* source) {
  Value out = newMap();
  if (source) {
    for (const auto& [key, value] : *source) out.asMap().put(key, Value::string(value));
  }
  return out;
}

Value Value::fromJson(const boost::json::value& json) {
  return fromJsonIn(json);
}

std::string Value::toString() const {
  switch (kind()) {
    case Kind::kNull:
      return "";
    case Kind::kBool:
      return asBool() ? "true" : "false";
    case Kind::kInt:
      return std::to_string(asInt());
    case Kind::kDouble:
      return javaDoubleString(asDouble());
    case Kind::kString:
      return asString();
    case Kind::kObject:
      return asObject().toString();
    default: {
      std::string out;
      appendJava(out, *this);
      return out;
    }
  }
}

bool Value::truthy() const {
  if (isNull()) return false;
  if (isBool()) return asBool();
  return true;
}

std::string Value::toJson() const {
  std::string out;
  appendJson(out, *this);
  return out;
}

std::string javaDoubleString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. -1.2345e+06
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  std::size_t e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (std::fabs(d) >= 1e-3 && std::fabs(d) < 1e7) {
    std::string out;
    if (exponent >= 0) {
      std::string intPart = digits.substr(0, std::min<std::size_t>(digits.size(), exponent + 1));
      while (static_cast<int>(intPart.size()) < exponent + 1) intPart += '0';
      std::string frac = digits.size() > static_cast<std::size_t>(exponent + 1) ? digits.substr(exponent + 1) : "0";
      out = intPart + "." + frac;
    } else {
      out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    }
    return sign + out;
  }
  std::string mantissa = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0");
  return sign + mantissa + "E" + std::to_string(exponent);
}

namespace {

bool equalsAt(const Value& a, const Value& b, int depth) {
  if (a.container() && a.container() == b.container()) return true;  // the same list or map
  if (depth > kMaxValueNesting) throw ValueTooDeep();
  if (a.isNumber() && b.isNumber()) {
    if (a.isInt() != b.isInt()) return false;  // Integer.equals(Double) is false
    return a.isInt() ? a.asInt() == b.asInt() : a.asDouble() == b.asDouble();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.asBool() == b.asBool();
    case Value::Kind::kString:
      return a.asString() == b.asString();
    case Value::Kind::kList: {
      const auto& x = a.asList().items;
      const auto& y = b.asList().items;
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!equalsAt(x[i], y[i], depth + 1)) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      const Map& x = a.asMap();
      const Map& y = b.asMap();
      if (x.size() != y.size()) return false;
      for (const auto& [key, item] : x.entries()) {
        const Value* other = y.find(key);
        if (!other || !equalsAt(item, *other, depth + 1)) return false;
      }
      return true;
    }
    case Value::Kind::kObject:
      return a.objectPtr() == b.objectPtr();
    default:
      return false;
  }
}

}  // namespace

bool javaEquals(const Value& a, const Value& b) {
  return equalsAt(a, b, 0);
}

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

boost::json::parse_options jsonParseOptions() {
  boost::json::parse_options options;
  options.max_depth = 256;
  return options;
}

std::string jsonText(const boost::json::value& json) {
  std::string out;
  appendJsonText(out, json);
  return out;
}

}  // namespace portico::vtl
