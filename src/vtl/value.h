// Value: the runtime value model of the VTL engine. Velocity templates see Java
// objects (String, Integer/Long, Double, Boolean, ArrayList, LinkedHashMap, and a
// few host objects such as $input); Value mirrors them with Java semantics for
// printing (toString), truthiness and equals. Lists and maps are shared by
// reference, as Java objects are, so `$list.add(1)` mutates every alias.
#pragma once
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"

namespace portico::vtl {

class Value;
class HostObject;

/// How deep lists and maps may nest in what is printed or compared (a parsed body nests 256 levels
/// at most; a template can nest further, a level per loop iteration). Deeper, the render fails.
inline constexpr int kMaxValueNesting = 1000;

/// Thrown by printing and comparing a value nested deeper than kMaxValueNesting; the evaluator
/// fails the render with it.
class ValueTooDeep : public std::runtime_error {
 public:
  ValueTooDeep() : std::runtime_error("a list or map is nested more than 1000 levels deep") {}
};

/// A java.util.List. jsonText lists (arrays read from JSON) print as JSON text, as
/// API Gateway's JSONPath arrays do; lists built by a template print as `[a, b]`.
struct List {
  std::vector<Value> items;
  bool jsonText = false;
  ~List();  // takes its nested lists and maps apart without recursing (a chain may be long)
};

/// A java.util.LinkedHashMap with string keys: insertion-ordered.
class Map {
 public:
  Map() = default;
  Map(const Map&) = default;
  Map(Map&&) = default;
  Map& operator=(const Map&) = default;
  Map& operator=(Map&&) = default;
  ~Map();  // as ~List
  /// The value at key, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  /// Inserts or replaces; returns the previous value (null when absent).
  Value put(std::string key, Value value);
  /// Removes key; returns the removed value (null when absent).
  Value remove(std::string_view key);
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }
  /// Takes every value out (the keys stay, each with null).
  std::vector<Value> takeValues();
  std::size_t size() const;  // defined below Value (clang needs Value complete)

 private:
  std::vector<std::pair<std::string, Value>> entries_;
};

using ListPtr = std::shared_ptr<List>;
using MapPtr = std::shared_ptr<Map>;
using ObjectPtr = std::shared_ptr<HostObject>;

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kMap, kObject };

  Value() = default;  // null
  static Value boolean(bool b) { return Value(Storage(std::in_place_index<1>, b)); }
  static Value integer(std::int64_t i) { return Value(Storage(std::in_place_index<2>, i)); }
  static Value real(double d) { return Value(Storage(std::in_place_index<3>, d)); }
  static Value string(std::string s) { return Value(Storage(std::in_place_index<4>, std::move(s))); }
  static Value list(ListPtr l) { return Value(Storage(std::in_place_index<5>, std::move(l))); }
  static Value newList(std::vector<Value> items = {});
  static Value map(MapPtr m) { return Value(Storage(std::in_place_index<6>, std::move(m))); }
  static Value newMap();
  /// A map of strings ($stageVariables, $input.params() parts); empty when source is null.
  static Value mapOfStrings(const std::map<std::string, std::string>* source);
  static Value object(ObjectPtr o) { return Value(Storage(std::in_place_index<7>, std::move(o))); }
  /// Converts JSON: objects become maps (printing Java-style, also when taken out of an array:
  /// `$input.path('$.list')[0]` prints `{a=1}` on API Gateway), arrays jsonText lists.
  static Value fromJson(const boost::json::value& json);

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool isNull() const { return kind() == Kind::kNull; }
  bool isBool() const { return kind() == Kind::kBool; }
  bool isInt() const { return kind() == Kind::kInt; }
  bool isDouble() const { return kind() == Kind::kDouble; }
  bool isNumber() const { return isInt() || isDouble(); }
  bool isString() const { return kind() == Kind::kString; }
  bool isList() const { return kind() == Kind::kList; }
  bool isMap() const { return kind() == Kind::kMap; }
  bool isObject() const { return kind() == Kind::kObject; }

  bool asBool() const { return std::get<1>(v_); }
  std::int64_t asInt() const { return std::get<2>(v_); }
  double asDouble() const { return isInt() ? static_cast<double>(asInt()) : std::get<3>(v_); }
  const std::string& asString() const { return std::get<4>(v_); }
  List& asList() const { return *std::get<5>(v_); }
  Map& asMap() const { return *std::get<6>(v_); }
  HostObject& asObject() const { return *std::get<7>(v_); }
  /// The list or map this value shares (null for the other kinds): its identity.
  const void* container() const;
  /// Whether this value holds the only reference to its list or map.
  bool soleOwner() const;
  const ObjectPtr& objectPtr() const { return std::get<7>(v_); }

  /// Java's toString(); null prints as "" (API Gateway renders undefined as empty).
  std::string toString() const;
  /// Velocity 1.7 #if truthiness: null and false are false, everything else true.
  bool truthy() const;
  /// JSON text of this value (strings quoted, maps as objects).
  std::string toJson() const;

 private:
  using Storage = std::variant<std::monostate, bool, std::int64_t, double, std::string, ListPtr, MapPtr, ObjectPtr>;
  explicit Value(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

/// A built-in object ($input, $util, $foreach, a map entry...). Methods that do not
/// exist return nullopt so the caller can render null.
class HostObject {
 public:
  virtual ~HostObject() = default;
  /// `$obj.name`: a Java getter (getName/isName) or a map-like get.
  virtual Value property(std::string_view name) const = 0;
  /// `$obj.name(args)`; nullopt when there is no such method, an error when the
  /// method fails the render (as a Java exception would).
  virtual Result<std::optional<Value>> call(std::string_view name, const std::vector<Value>& args) const = 0;
  virtual std::string toString() const = 0;
};

/// Options for reading request JSON: nesting up to 256 levels (Boost's default is 32).
boost::json::parse_options jsonParseOptions();
/// Java Double.toString: 1.0, 3.5, 1.0E7, 1.0E-4.
std::string javaDoubleString(double d);
/// Java equals, with Velocity's == leniency left to the evaluator. Throws ValueTooDeep.
bool javaEquals(const Value& a, const Value& b);
/// Whether `container`'s list or map is `from`'s own or nested anywhere inside it: storing `from`
/// into it would make a value that contains itself (printed, compared or freed, without end).
bool contains(const Value& from, const Value& container);
/// Appends s as a JSON string literal.
void appendJsonString(std::string& out, std::string_view s);
/// JSON text of a boost::json value with Java-style doubles (1.5, not 1.5E0).
std::string jsonText(const boost::json::value& json);

inline std::size_t Map::size() const {
  return entries_.size();
}

}  // namespace portico::vtl
