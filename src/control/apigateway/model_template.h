// GetModelTemplate's mapping template: a Velocity template that copies a JSON body shaped as the
// model's schema, field by field, as API Gateway generates it ("#set($inputRoot =
// $input.path('$'))", strings quoted, numbers and booleans bare, arrays through #foreach). Other
// models are followed by their model URL ($ref ".../models/Name"); depth and size are bounded.
// https://docs.aws.amazon.com/apigateway/latest/api/API_GetModelTemplate.html
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace portico::control::apigateway {

/// The schema text of another model of the API by name, or nullopt.
using ModelLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The template for `schema` (JSON Schema text); BadRequestException when it is not JSON.
Result<std::string> modelTemplate(std::string_view schema, const ModelLookup& lookup);

}  // namespace portico::control::apigateway
