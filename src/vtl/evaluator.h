// Evaluator: renders a parsed template (ast::Block) against one TemplateInput.
// One Evaluator per render; it owns the template's variables ($x set by #set) and
// the lazily built built-ins ($input, $util, $context, $stageVariables). Rendering
// is bounded: #foreach stops after maxLoopIterations (API Gateway's 1000), and
// nesting depth, work steps and output size are capped; exceeding a cap, or a
// failing method, is an error (the gateway answers 500).
#pragma once
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
  Value evaluateRange(const ast::Expr& expr);
  Value resolve(const ast::Reference& ref, std::size_t suffixCount);
  Value variable(const std::string& name);

  bool halted() const { return stop_ || break_ || error_.has_value(); }
  bool step();
  void fail(ApiError error);
  bool checkSize(std::size_t bytes);

  const TemplateInput& input_;
  RenderLimits limits_;
  std::unordered_map<std::string, Value> vars_;
  RegexCache regexes_;
  std::optional<ApiError> error_;
  bool stop_ = false;
  bool break_ = false;
  int depth_ = 0;
  std::size_t steps_ = 0;
};

}  // namespace portico::vtl
