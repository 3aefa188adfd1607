// API documentation in OpenAPI documents: the x-amazon-apigateway-documentation extension read
// into documentation parts (ImportRestApi, PutRestApi, ImportDocumentationParts), and a stage's
// documentation version written into an exported document as API Gateway publishes it: the
// extension itself, and each part's OpenAPI fields (description, summary, tags, x-*...) on the
// entity its location names, general locations inherited by the entities beneath them unless a
// more specific part documents them. Pure.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-documentation.html
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace portico::openapi {

inline constexpr std::string_view kDocumentationExtension = "x-amazon-apigateway-documentation";

struct ImportedDocumentation {
  std::string version;                     // the extension's version ("" when it has none)
  std::vector<boost::json::object> parts;  // {"location": {...}, "properties": <as written>}
  std::vector<std::string> warnings;
};

/// The document's x-amazon-apigateway-documentation (an empty result when it has none); AWS's 400
/// when the extension is not an object with a documentationParts array.
Result<ImportedDocumentation> importDocumentation(const boost::json::value& document);

/// A documentation part's properties as an object: an import's object, or the JSON text the API
/// stores ({} when it is neither).
boost::json::object documentationProperties(const boost::json::object& part);

/// Writes `extension` ({"version", "createdDate", "documentationParts"}) into the exported
/// document (OpenAPI 3 when oas30, else Swagger 2) and its parts' fields onto the entities.
void applyDocumentation(boost::json::object& exported, const boost::json::object& extension, bool oas30);

}  // namespace portico::openapi
