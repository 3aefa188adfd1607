// The host objects the evaluator makes itself: a #define'd block, and $foreach's scope.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vtl/ast.h"
#include "vtl/value.h"

namespace portico::vtl {

/// The value of `#define($name)`: renders its block wherever it is referenced.
class DefinedBlock final : public HostObject {
 public:
  explicit DefinedBlock(const ast::Block& block) : block_(block) {}
  const ast::Block& block() const { return block_; }
  Value property(std::string_view) const override { return {}; }
  Result<std::optional<Value>> call(std::string_view, const std::vector<Value>&) const override {
    return std::optional<Value>();
  }
  std::string toString() const override { return ""; }

 private:
  const ast::Block& block_;
};

/// `$foreach`: index, count, hasNext, first, last (Velocity 1.7 ForeachScope).
class ForeachScope final : public HostObject {
 public:
  std::int64_t index = 0;
  bool hasNext = false;
  Value parent;

  Value property(std::string_view name) const override {
    if (name == "index") return Value::integer(index);
    if (name == "count") return Value::integer(index + 1);
    if (name == "hasNext" || name == "next") return Value::boolean(hasNext);
    if (name == "first") return Value::boolean(index == 0);
    if (name == "last") return Value::boolean(!hasNext);
    if (name == "parent") return parent;
    return {};
  }
  Result<std::optional<Value>> call(std::string_view name, const std::vector<Value>& args) const override {
    if (!args.empty()) return std::optional<Value>();
    if (name == "hasNext") return std::optional(property("hasNext"));
    if (name == "getIndex") return std::optional(property("index"));
    if (name == "getCount") return std::optional(property("count"));
    if (name == "isFirst") return std::optional(property("first"));
    if (name == "isLast") return std::optional(property("last"));
    if (name == "getParent") return std::optional(parent);
    return std::optional<Value>();
  }
  std::string toString() const override { return "$foreach"; }
};

}  // namespace portico::vtl
