// VelocityTemplateEngine: the TemplateEngine for API Gateway's VTL. compile()
// parses once (at put/deploy time); render() evaluates the immutable tree, so one
// compiled template serves concurrent requests.
#include "vtl/evaluator.h"
#include "vtl/parser.h"
#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

class VelocityTemplate final : public CompiledTemplate {
 public:
  VelocityTemplate(ast::Block root, bool usesContext) : root_(std::move(root)), usesContext_(usesContext) {}
  Result<std::string> render(const TemplateInput& input) const override {
    Evaluator evaluator(input, RenderLimits{});
    return evaluator.render(root_);
  }
  bool usesContext() const override { return usesContext_; }

 private:
  ast::Block root_;
  bool usesContext_;
};

class VelocityTemplateEngine final : public TemplateEngine {
 public:
  Result<std::shared_ptr<const CompiledTemplate>> compile(std::string_view text) const override {
    auto root = Parser::parse(text);
    if (!root) return root.takeError();
    // Every way to reach $context ($context, ${context}, $!context, #set aliases of it) spells "context".
    bool usesContext = text.find("context") != std::string_view::npos;
    return std::shared_ptr<const CompiledTemplate>(
        std::make_shared<VelocityTemplate>(std::move(root).value(), usesContext));
  }
};

}  // namespace

std::unique_ptr<TemplateEngine> makeVelocityTemplateEngine() {
  return std::make_unique<VelocityTemplateEngine>();
}

}  // namespace portico::vtl
