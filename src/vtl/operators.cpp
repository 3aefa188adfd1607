// Operators: Velocity 1.7 math and comparison.
#include "vtl/operators.h"

#include <cmath>
#include <cstdint>

namespace portico::vtl {
namespace {

Value integerMath(char op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case '+':
      if (__builtin_add_overflow(a, b, &r)) return Value::real(static_cast<double>(a) + static_cast<double>(b));
      return Value::integer(r);
    case '-':
      if (__builtin_sub_overflow(a, b, &r)) return Value::real(static_cast<double>(a) - static_cast<double>(b));
      return Value::integer(r);
    case '*':
      if (__builtin_mul_overflow(a, b, &r)) return Value::real(static_cast<double>(a) * static_cast<double>(b));
      return Value::integer(r);
    case '/':
      if (b == 0) return {};
      if (a == INT64_MIN && b == -1) return Value::real(-static_cast<double>(a));
      return Value::integer(a / b);
    case '%':
      if (b == 0) return {};
      if (b == -1) return Value::integer(0);
      return Value::integer(a % b);
  }
  return {};
}

Value realMath(char op, double a, double b) {
  switch (op) {
    case '+':
      return Value::real(a + b);
    case '-':
      return Value::real(a - b);
    case '*':
      return Value::real(a * b);
    case '/':
      if (b == 0) return {};
      return Value::real(a / b);
    case '%':
      if (b == 0) return {};
      return Value::real(std::fmod(a, b));
  }
  return {};
}

int compareNumbers(const Value& a, const Value& b) {
  if (a.isInt() && b.isInt()) return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
  double x = a.asDouble();
  double y = b.asDouble();
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace

Value applyArithmetic(std::string_view op, const Value& left, const Value& right) {
  if (op == "+" && !(left.isNumber() && right.isNumber()) && (left.isString() || right.isString())) {
    return Value::string(left.toString() + right.toString());
  }
  if (!left.isNumber() || !right.isNumber() || op.size() != 1) return {};
  if (left.isInt() && right.isInt()) return integerMath(op[0], left.asInt(), right.asInt());
  return realMath(op[0], left.asDouble(), right.asDouble());
}

bool velocityEquals(const Value& left, const Value& right) {
  if (left.isNull() || right.isNull()) return left.isNull() && right.isNull();
  if (left.isNumber() && right.isNumber()) return compareNumbers(left, right) == 0;
  bool sameClass = left.kind() == right.kind();
  if (sameClass) return javaEquals(left, right);
  return left.toString() == right.toString();
}

bool applyRelational(std::string_view op, const Value& left, const Value& right) {
  if (!left.isNumber() || !right.isNumber()) return false;
  int c = compareNumbers(left, right);
  if (op == "<") return c < 0;
  if (op == ">") return c > 0;
  if (op == "<=") return c <= 0;
  if (op == ">=") return c >= 0;
  return false;
}

}  // namespace portico::vtl
