// TemplateEngine: the seam between the gateway and the mapping-template language.
//
// Templates are compiled once when a deployment is compiled (and checked at put
// time), then rendered per request. The Velocity engine (velocity_template_engine.cpp)
// implements API Gateway's VTL; the literal engine renders a template as its own text.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace portico::vtl {

/// What a template can see while rendering. Grows with the VTL engine ($input, $util, $context...).
struct TemplateInput {
  std::string_view body;
  const std::map<std::string, std::string>* pathParams = nullptr;
  const std::map<std::string, std::string>* queryParams = nullptr;
  const std::map<std::string, std::string>* headers = nullptr;
  const std::map<std::string, std::string>* stageVariables = nullptr;
  /// $context (requestId, identity.sourceIp, authorizer.claims...); empty when null.
  const boost::json::object* context = nullptr;
  /// When set and the template used $context, receives $context as the template left it, so the
  /// gateway can apply $context.requestOverride.* and $context.responseOverride.*.
  boost::json::object* contextOut = nullptr;
  /// When set (and below the engine's own time budget): the render stops once it has run this
  /// long, with an error of type kTimeSliceSpent, so a caller on a serving loop can start it over
  /// elsewhere with the full budget. Rendering has no side effects until it succeeds.
  std::chrono::microseconds timeSlice{0};
};

/// The error type of a render stopped by TemplateInput::timeSlice (not a template failure).
inline constexpr std::string_view kTimeSliceSpent = "Portico.TimeSliceSpent";

class CompiledTemplate {
 public:
  virtual ~CompiledTemplate() = default;
  /// Renders the template; an error becomes AWS's 500.
  virtual Result<std::string> render(const TemplateInput& input) const = 0;
  /// False when the template cannot reach $context, so callers may skip building it.
  virtual bool usesContext() const { return true; }
};

class TemplateEngine {
 public:
  virtual ~TemplateEngine() = default;
  /// Compiles text; a BadRequestException naming the problem if it does not parse.
  virtual Result<std::shared_ptr<const CompiledTemplate>> compile(std::string_view text) const = 0;
};

/// The placeholder engine: every template renders as its literal text.
std::unique_ptr<TemplateEngine> makeLiteralTemplateEngine();

/// The Velocity (VTL) engine with API Gateway's built-ins ($input, $util, $context,
/// $stageVariables) and limits (1000 #foreach iterations).
std::unique_ptr<TemplateEngine> makeVelocityTemplateEngine();

}  // namespace portico::vtl
