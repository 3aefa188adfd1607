// The literal template engine: renders a template as its own text (the seam the
// Velocity engine will replace).
#include "vtl/template_engine.h"

namespace portico::vtl {
namespace {

class LiteralTemplate final : public CompiledTemplate {
 public:
  explicit LiteralTemplate(std::string text) : text_(std::move(text)) {}
  Result<std::string> render(const TemplateInput&) const override { return text_; }
  bool usesContext() const override { return false; }

 private:
  std::string text_;
};

class LiteralTemplateEngine final : public TemplateEngine {
 public:
  Result<std::shared_ptr<const CompiledTemplate>> compile(std::string_view text) const override {
    return std::shared_ptr<const CompiledTemplate>(std::make_shared<LiteralTemplate>(std::string(text)));
  }
};

}  // namespace

std::unique_ptr<TemplateEngine> makeLiteralTemplateEngine() {
  return std::make_unique<LiteralTemplateEngine>();
}

}  // namespace portico::vtl
