// Evaluator: renders a parsed template (ast::Block) against one TemplateInput.
// One Evaluator per render; it owns the template's variables ($x set by #set) and
// the lazily built built-ins ($input, $util, $context, $stageVariables). Rendering
// is bounded: #foreach stops after maxLoopIterations (API Gateway's 1000), and
// nesting depth, work steps, output size, time and bytes allocated are capped (a step
// is not a unit of cost: one `replace` on a 5 MiB string is one step); exceeding a cap,
// or a failing method, is an error (the gateway answers 500).
#pragma once
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/result.h"
#include "vtl/ast.h"
#include "vtl/regex_cache.h"
#include "vtl/template_engine.h"
#include "vtl/value.h"

namespace portico::vtl {

struct RenderLimits {
  int maxLoopIterations = 1000;
  int maxDepth = 200;
  std::size_t maxSteps = 1'000'000;
  std::size_t maxOutputBytes = 10 * 1024 * 1024;
  /// Wall time of one render (checked every few steps and after each method call).
  std::chrono::milliseconds maxRenderTime{1000};
  /// Bytes one render may make: strings that methods and interpolation produce, values stored
  /// into lists and maps (a list of copies is charged per copy). Cumulative, never given back.
  std::size_t maxAllocatedBytes = 128 * 1024 * 1024;
};

class Evaluator {
 public:
  /// Borrows input for the length of the render.
  Evaluator(const TemplateInput& input, RenderLimits limits) : input_(input), limits_(limits) {}

  /// Renders root; #stop ends the output early, a failure is an error.
  Result<std::string> render(const ast::Block& root);

 private:
  void renderBlock(const ast::Block& block, std::string& out);
  void renderNode(const ast::Node& node, std::string& out);
  void renderForeach(const ast::Node& node, std::string& out);
  void assign(const ast::Reference& target, Value value);
  void append(std::string& out, const Value& value);

  Value evaluate(const ast::Expr& expr);
  /// expr as an operand of #if/#elseif, `!`, `&&`, `||`, `==` and `!=`: a reference without a value
  /// is "" there, as API Gateway's Velocity resolves it (evaluator.cpp says why).
  Value operand(const ast::Expr& expr);
  bool condition(const ast::Expr& expr) { return operand(expr).truthy(); }
  Value evaluateRange(const ast::Expr& expr);
  Value resolve(const ast::Reference& ref, std::size_t suffixCount);
  Value variable(const std::string& name);

  bool halted() const { return stop_ || break_ || error_.has_value(); }
  bool step();
  /// Whether storing `value` into the list or map `into` keeps every value finite (it does not
  /// contain `into`); else the render fails.
  bool storable(const Value& into, const Value& value);
  /// Whether a list or map method keeps its arguments (add, put, set, addAll, putAll, putIfAbsent).
  static bool storesArguments(std::string_view method);
  /// storable() for what `method` called on `into` keeps of `args` (evaluator_storage.cpp).
  bool storableArguments(const Value& into, std::string_view method, const std::vector<Value>& args);
  void fail(ApiError error);
  bool checkSize(std::size_t bytes);
  /// Counts bytes made against maxAllocatedBytes; false (and failed) beyond it.
  bool charge(std::size_t bytes);
  bool checkTime();

  const TemplateInput& input_;
  RenderLimits limits_;
  std::unordered_map<std::string, Value> vars_;
  RegexCache regexes_;
  std::optional<ApiError> error_;
  bool stop_ = false;
  bool break_ = false;
  int depth_ = 0;
  std::size_t steps_ = 0;
  std::size_t allocated_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  bool sliced_ = false;  // deadline_ is the input's time slice, not the render's budget
};

}  // namespace portico::vtl
