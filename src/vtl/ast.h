// The VTL abstract syntax tree. The parser builds it once per template at compile
// time; the evaluator only reads it, so one tree can render on many threads.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "vtl/value.h"

namespace portico::vtl::ast {

struct Expr;
struct Node;
using ExprPtr = std::unique_ptr<Expr>;
using Block = std::vector<Node>;

/// One step after a reference's root: `.name`, `.name(args)` or `[index]`.
struct Suffix {
  enum class Kind { kProperty, kMethod, kIndex };
  Kind kind = Kind::kProperty;
  std::string name;           // property or method name
  std::vector<ExprPtr> args;  // method arguments, or the single index expression
};

/// `$name.suffix...`, `${...}`, `$!...`.
struct Reference {
  std::string name;
  std::vector<Suffix> suffixes;
  std::string source;  // the reference as written, for escaped output
  std::size_t offset = 0;
};

enum class ExprKind {
  kLiteral,       // number, boolean, plain string
  kInterpolated,  // "double quoted with $refs": parts
  kList,          // [a, b]: operands
  kMap,           // {k: v}: operands hold k0, v0, k1, v1...
  kRange,         // [a..b]: operands[0..1]
  kReference,     // ref
  kNot,           // !a
  kNegate,        // -a
  kAnd,           // a && b (short-circuit)
  kOr,            // a || b (short-circuit)
  kBinary,        // op: + - * / % == != < > <= >=
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  std::size_t offset = 0;
  Value literal;                  // kLiteral (scalars only: shared across renders)
  std::string op;                 // kBinary
  std::vector<ExprPtr> operands;  // see ExprKind
  std::unique_ptr<Reference> ref;
  std::unique_ptr<Block> parts;  // kInterpolated
};

/// A branch of #if/#elseif/#else (cond null for #else), or the body of #foreach/#define.
struct Branch {
  ExprPtr cond;
  Block body;
};

struct Node {
  enum class Kind { kText, kReference, kSet, kIf, kForeach, kDefine, kBreak, kStop };
  Kind kind = Kind::kText;
  std::size_t offset = 0;
  std::string text;                // kText; the loop variable of kForeach; the name of kDefine
  std::unique_ptr<Reference> ref;  // kReference; the target of kSet
  ExprPtr expr;                    // kSet value; kForeach iterable
  std::vector<Branch> branches;    // kIf branches; kForeach/kDefine body in branches[0]
};

}  // namespace portico::vtl::ast
