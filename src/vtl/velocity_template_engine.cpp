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
  explicit VelocityTemplate(ast::Block root) : root_(std::move(root)) {}
  Result<std::string> render(const TemplateInput& input) const override {
    Evaluator evaluator(input, RenderLimits{});
    return evaluator.render(root_);
  }

 private:
  ast::Block root_;
};

class VelocityTemplateEngine final : public TemplateEngine {
 public:
  Result<std::shared_ptr<const CompiledTemplate>> compile(std::string_view text) const override {
    auto root = Parser::parse(text);
    if (!root) return root.takeError();
    return std::shared_ptr<const CompiledTemplate>(std::make_shared<VelocityTemplate>(std::move(root).value()));
  }
};

}  // namespace

std::unique_ptr<TemplateEngine> makeVelocityTemplateEngine() {
  return std::make_unique<VelocityTemplateEngine>();
}

}  // namespace portico::vtl
