// Operators: Velocity 1.7 arithmetic and comparison with its coercions. Integer
// arithmetic stays integral (7 / 2 is 3), a division by zero is null, `+` with a
// string operand concatenates, == compares numbers by value and otherwise falls
// back to toString() when the classes differ; < and friends need two numbers.
#pragma once
#include <string_view>

#include "vtl/value.h"

namespace portico::vtl {

/// + - * / %; null when Velocity would log an error and yield null.
Value applyArithmetic(std::string_view op, const Value& left, const Value& right);
/// == and != (Velocity 1.7 ASTEQNode / ASTNENode).
bool velocityEquals(const Value& left, const Value& right);
/// < > <= >=: false unless both operands are numbers.
bool applyRelational(std::string_view op, const Value& left, const Value& right);

}  // namespace portico::vtl
