// Evaluator: directives, references and expressions at render time.
#include "vtl/evaluator.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "vtl/evaluator_scopes.h"
#include "vtl/input_object.h"
#include "vtl/member_access.h"
#include "vtl/operators.h"
#include "vtl/util_object.h"

namespace portico::vtl {
namespace {

constexpr std::int64_t kMaxRange = 100'000;

/// What keeping a value costs, roughly: its strings (nested ones too, a few levels down) plus a
/// word per element.
std::size_t approximateBytes(const Value& v, int depth = 0) {
  if (v.isString()) return v.asString().size();
  if (depth >= 3) return 8;
  std::size_t n = 8;
  if (v.isList()) {
    for (const auto& item : v.asList().items) n += approximateBytes(item, depth + 1);
  } else if (v.isMap()) {
    for (const auto& [key, item] : v.asMap().entries()) n += key.size() + approximateBytes(item, depth + 1);
  }
  return n;
}

}  // namespace

Result<std::string> Evaluator::render(const ast::Block& root) {
  const auto now = std::chrono::steady_clock::now();
  sliced_ = input_.timeSlice.count() > 0 && input_.timeSlice < limits_.maxRenderTime;
  deadline_ = now + (sliced_ ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(input_.timeSlice)
                             : std::chrono::duration_cast<std::chrono::steady_clock::duration>(limits_.maxRenderTime));
  std::string out;
  try {
    renderBlock(root, out);
    if (error_) return *error_;
    if (input_.contextOut) {
      if (auto it = vars_.find("context"); it != vars_.end() && it->second.isMap()) {
        boost::system::error_code ec;
        auto json = boost::json::parse(it->second.toJson(), ec);
        if (!ec && json.is_object()) *input_.contextOut = std::move(json.get_object());
      }
    }
  } catch (const ValueTooDeep& e) {
    return ApiError::internal(std::string("Mapping template failed: ") + e.what());
  }
  return out;
}

bool Evaluator::step() {
  if (++steps_ > limits_.maxSteps) {
    fail(ApiError::internal("Mapping template exceeded the evaluation budget"));
    return false;
  }
  if ((steps_ & 63) == 0 && !checkTime()) return false;
  return !error_;
}

bool Evaluator::checkTime() {
  if (std::chrono::steady_clock::now() <= deadline_) return true;
  if (sliced_) {
    fail(ApiError{std::string(kTimeSliceSpent), 500, "Mapping template needs more than its time slice"});
    return false;
  }
  fail(ApiError::internal("Mapping template exceeded its time budget of " +
                          std::to_string(limits_.maxRenderTime.count()) + " ms"));
  return false;
}

bool Evaluator::charge(std::size_t bytes) {
  allocated_ += bytes;
  if (allocated_ <= limits_.maxAllocatedBytes) return true;
  fail(ApiError::internal("Mapping template exceeded its memory budget of " +
                          std::to_string(limits_.maxAllocatedBytes) + " bytes"));
  return false;
}

void Evaluator::fail(ApiError error) {
  if (!error_) error_ = std::move(error);
}

bool Evaluator::checkSize(std::size_t bytes) {
  if (bytes <= limits_.maxOutputBytes) return true;
  fail(ApiError::internal("Mapping template output exceeds " + std::to_string(limits_.maxOutputBytes) + " bytes"));
  return false;
}

void Evaluator::renderBlock(const ast::Block& block, std::string& out) {
  if (++depth_ > limits_.maxDepth) {
    fail(ApiError::internal("Mapping template nested too deeply"));
  } else {
    for (const auto& node : block) {
      if (halted() || !step()) break;
      renderNode(node, out);
      if (!checkSize(out.size())) break;
    }
  }
  --depth_;
}

void Evaluator::append(std::string& out, const Value& value) {
  if (value.isObject()) {
    if (const auto* defined = dynamic_cast<const DefinedBlock*>(&value.asObject())) {
      renderBlock(defined->block(), out);
      return;
    }
  }
  out += value.toString();  // null (undefined) renders as "" on API Gateway
}

void Evaluator::renderNode(const ast::Node& node, std::string& out) {
  switch (node.kind) {
    case ast::Node::Kind::kText:
      out += node.text;
      return;
    case ast::Node::Kind::kReference:
      append(out, resolve(*node.ref, node.ref->suffixes.size()));
      return;
    case ast::Node::Kind::kSet: {
      Value value = evaluate(*node.expr);
      // Velocity 1.7 leaves the target unchanged when the value is null.
      if (!value.isNull() && !error_) assign(*node.ref, std::move(value));
      return;
    }
    case ast::Node::Kind::kIf:
      for (const auto& branch : node.branches) {
        if (!branch.cond || condition(*branch.cond)) {
          if (!error_) renderBlock(branch.body, out);
          return;
        }
        if (error_) return;
      }
      return;
    case ast::Node::Kind::kForeach:
      renderForeach(node, out);
      return;
    case ast::Node::Kind::kDefine:
      vars_[node.text] = Value::object(std::make_shared<DefinedBlock>(node.branches[0].body));
      return;
    case ast::Node::Kind::kBreak:
      break_ = true;
      return;
    case ast::Node::Kind::kStop:
      stop_ = true;
      return;
  }
}

void Evaluator::renderForeach(const ast::Node& node, std::string& out) {
  Value iterable = evaluate(*node.expr);
  if (error_) return;
  std::vector<Value> items;
  if (iterable.isList()) {
    items = iterable.asList().items;  // a copy: the body may change the list
  } else if (iterable.isMap()) {
    for (const auto& entry : iterable.asMap().entries()) items.push_back(entry.second);
  }
  // Velocity restores the loop variable and its helpers after the loop.
  const std::string names[] = {node.text, "foreach", "velocityCount", "velocityHasNext"};
  std::vector<std::optional<Value>> previous;
  for (const auto& name : names) {
    auto it = vars_.find(name);
    previous.push_back(it == vars_.end() ? std::nullopt : std::optional(it->second));
  }

  auto scope = std::make_shared<ForeachScope>();
  if (auto it = vars_.find("foreach"); it != vars_.end()) scope->parent = it->second;
  vars_["foreach"] = Value::object(scope);
  const std::size_t count = std::min(items.size(), static_cast<std::size_t>(limits_.maxLoopIterations));
  for (std::size_t i = 0; i < count && !halted() && step(); ++i) {
    scope->index = static_cast<std::int64_t>(i);
    scope->hasNext = i + 1 < items.size();
    vars_[node.text] = items[i];
    vars_["velocityCount"] = Value::integer(static_cast<std::int64_t>(i + 1));
    vars_["velocityHasNext"] = Value::boolean(scope->hasNext);
    renderBlock(node.branches[0].body, out);
    if (break_) {
      break_ = false;
      break;
    }
  }
  for (std::size_t k = 0; k < previous.size(); ++k) {
    if (previous[k]) {
      vars_[names[k]] = std::move(*previous[k]);
    } else {
      vars_.erase(names[k]);
    }
  }
}

void Evaluator::assign(const ast::Reference& target, Value value) {
  if (target.suffixes.empty()) {
    vars_[target.name] = std::move(value);
    return;
  }
  Value base = resolve(target, target.suffixes.size() - 1);
  const ast::Suffix& last = target.suffixes.back();
  if (error_ || base.isNull() || !storable(base, value)) return;
  if (last.kind == ast::Suffix::Kind::kProperty) {
    setMember(base, Value::string(last.name), std::move(value));
  } else if (last.kind == ast::Suffix::Kind::kIndex) {
    setMember(base, evaluate(*last.args[0]), std::move(value));
  }
}

Value Evaluator::variable(const std::string& name) {
  if (auto it = vars_.find(name); it != vars_.end()) return it->second;
  Value builtin;
  if (name == "input") {
    builtin = Value::object(std::make_shared<InputObject>(input_));
  } else if (name == "util") {
    builtin = Value::object(std::make_shared<UtilObject>());
  } else if (name == "context") {
    builtin = input_.context ? Value::fromJson(boost::json::value(*input_.context)) : Value::newMap();
  } else if (name == "stageVariables") {
    builtin = Value::mapOfStrings(input_.stageVariables);
  } else {
    return {};
  }
  vars_[name] = builtin;
  return builtin;
}

Value Evaluator::resolve(const ast::Reference& ref, std::size_t suffixCount) {
  Value current = variable(ref.name);
  for (std::size_t i = 0; i < suffixCount && !current.isNull() && !error_; ++i) {
    if (!step()) return {};
    const ast::Suffix& suffix = ref.suffixes[i];
    switch (suffix.kind) {
      case ast::Suffix::Kind::kProperty:
        current = getProperty(current, suffix.name);
        break;
      case ast::Suffix::Kind::kIndex:
        current = getIndex(current, evaluate(*suffix.args[0]));
        break;
      case ast::Suffix::Kind::kMethod: {
        std::vector<Value> args;
        args.reserve(suffix.args.size());
        for (const auto& arg : suffix.args) args.push_back(evaluate(*arg));
        if (error_) return {};
        // What the call stores (add, put, set, addAll, putAll keep their arguments) is charged
        // before it runs: a list of copies of a big string costs each copy.
        if (current.isList() || current.isMap()) {
          std::size_t stored = 0;
          for (const auto& a : args) stored += approximateBytes(a);
          if (stored > 0 && !charge(stored)) return {};
          if (!storableArguments(current, suffix.name, args)) return {};
        }
        auto result = callMethod(current, suffix.name, args, regexes_);
        if (!result) {
          fail(result.takeError());
          return {};
        }
        current = std::move(result).value();
        if (current.isString() && (!checkSize(current.asString().size()) || !charge(current.asString().size()))) {
          return {};
        }
        if (!checkTime()) return {};
        break;
      }
    }
  }
  return current;
}

Value Evaluator::evaluate(const ast::Expr& expr) {
  if (!step()) return {};
  switch (expr.kind) {
    case ast::ExprKind::kLiteral:
      return expr.literal;
    case ast::ExprKind::kInterpolated: {
      std::string text;
      renderBlock(*expr.parts, text);
      if (!charge(text.size())) return {};
      return Value::string(std::move(text));
    }
    case ast::ExprKind::kList: {
      std::vector<Value> items;
      for (const auto& e : expr.operands) items.push_back(evaluate(*e));
      return Value::newList(std::move(items));
    }
    case ast::ExprKind::kMap: {
      Value map = Value::newMap();
      for (std::size_t i = 0; i + 1 < expr.operands.size(); i += 2) {
        Value key = evaluate(*expr.operands[i]);
        map.asMap().put(key.isNull() ? "null" : key.toString(), evaluate(*expr.operands[i + 1]));
      }
      return map;
    }
    case ast::ExprKind::kRange:
      return evaluateRange(expr);
    case ast::ExprKind::kReference:
      return resolve(*expr.ref, expr.ref->suffixes.size());
    case ast::ExprKind::kNot:
      return Value::boolean(!condition(*expr.operands[0]));
    case ast::ExprKind::kNegate: {
      Value v = evaluate(*expr.operands[0]);
      return applyArithmetic("*", v, Value::integer(-1));
    }
    case ast::ExprKind::kAnd:
      return Value::boolean(condition(*expr.operands[0]) && condition(*expr.operands[1]));
    case ast::ExprKind::kOr:
      return Value::boolean(condition(*expr.operands[0]) || condition(*expr.operands[1]));
    case ast::ExprKind::kBinary: {
      const std::string& op = expr.op;
      if (op == "==" || op == "!=") {
        Value left = operand(*expr.operands[0]);
        Value right = operand(*expr.operands[1]);
        return Value::boolean(velocityEquals(left, right) == (op == "=="));
      }
      Value left = evaluate(*expr.operands[0]);
      Value right = evaluate(*expr.operands[1]);
      if (op == "<" || op == ">" || op == "<=" || op == ">=") return Value::boolean(applyRelational(op, left, right));
      Value result = applyArithmetic(op, left, right);
      if (result.isString()) checkSize(result.asString().size());
      return result;
    }
  }
  return {};
}

// API Gateway's Velocity resolves a reference that has no value (an undefined variable, a missing
// key or property, a method that returned null, a JSON null) to the empty string, not to null:
// so it prints as "" (Value::toString), and, as Velocity 1.7 tests only for null and false,
// `#if($undefined)` is true, `!$undefined` false, `$undefined == ""` and `$undefined == $null` both
// true. Recorded on API Gateway:
// - `#if($elem.value)` with no `value` renders its body (github.com/dherault/serverless-offline
//   issue 50: "on AWS the text is rendered");
// - `#set($result = $input.path("$.nonExisting"))` gives `#if($result == $null)` and
//   `#if($result == "")` both true, as for a JSON null (localstack/localstack
//   tests/aws/services/apigateway/test_apigateway_common.snapshot.json,
//   test_input_path_template_formatting: "isNull": "true", "isEmptyString": "true");
// - `#if($foo.bar.stuff != '')` with no $foo takes the #else (test_apigateway_kinesis.snapshot.json:
//   "PartitionKey": "20", the #else branch's value).
// Apache Velocity 1.7 with an InvalidReferenceEventHandler answering "" renders all three as API
// Gateway does (stock 1.7: false, "isEmptyString": "false", the first branch). Portico gives the ""
// where a recording shows it matters, to conditions and to == / !=; #set, arithmetic, relational
// operators and method arguments keep Velocity's null (no recording shows them).
Value Evaluator::operand(const ast::Expr& expr) {
  Value value = evaluate(expr);
  if (value.isNull() && expr.kind == ast::ExprKind::kReference && !error_) return Value::string("");
  return value;
}

Value Evaluator::evaluateRange(const ast::Expr& expr) {
  Value from = evaluate(*expr.operands[0]);
  Value to = evaluate(*expr.operands[1]);
  auto asInteger = [](const Value& v) -> std::optional<std::int64_t> {
    if (v.isInt()) return v.asInt();
    if (v.isString()) {
      const std::string& s = v.asString();
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec == std::errc() && end == s.data() + s.size()) return n;
    }
    return std::nullopt;
  };
  auto a = asInteger(from);
  auto b = asInteger(to);
  if (!a || !b) return {};
  double span = std::fabs(static_cast<double>(*b) - static_cast<double>(*a));
  if (span >= kMaxRange) {
    fail(ApiError::internal("Range [" + std::to_string(*a) + ".." + std::to_string(*b) + "] is too large"));
    return {};
  }
  std::vector<Value> items;
  items.reserve(static_cast<std::size_t>(span) + 1);
  std::int64_t stepBy = *a <= *b ? 1 : -1;
  for (std::int64_t i = *a;; i += stepBy) {
    items.push_back(Value::integer(i));
    if (i == *b) break;
  }
  return Value::newList(std::move(items));
}

}  // namespace portico::vtl
