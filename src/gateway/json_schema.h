// JsonSchema: a compiled JSON Schema (draft 4, as API Gateway models are) that
// validates request bodies. valijson does the validating; "pattern" runs on RE2
// (linear time: schemas are user input), and references to other models of the same
// API ("https://apigateway.amazonaws.com/restapis/{api}/models/{name}") resolve through
// a caller-supplied lookup. A compiled schema is immutable and safe to share between
// threads.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html
#pragma once
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace portico::gateway {

/// The schema text of another model of the same API, by name; nullopt when there is none.
using ModelLookup = std::function<std::optional<std::string>(std::string_view modelName)>;

class JsonSchema {
 public:
  virtual ~JsonSchema() = default;
  /// Validates a parsed instance; on failure returns false and, if `error` is set, a short
  /// description in AWS's validationErrorString style.
  virtual bool validate(const boost::json::value& instance, std::string* error) const = 0;
};

/// Compiles schema text. BadRequestException (AWS's "Invalid model schema specified") when it is
/// not JSON, not a valid schema, uses patternProperties (not supported: its regexes would not run on
/// RE2), has a pattern RE2 cannot compile, or refers to a model that does not exist.
Result<std::shared_ptr<const JsonSchema>> compileJsonSchema(std::string_view text, const ModelLookup& models);

/// The model name in an API Gateway model URL, or nullopt for any other reference.
std::optional<std::string> modelNameFromUrl(std::string_view url);

}  // namespace portico::gateway
