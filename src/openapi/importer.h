// importDocument: an OpenAPI 3.0.x / Swagger 2.0 document (parsed by parseDocument) → the REST API
// it describes, in API Gateway's own shapes (what GetResource / GetModel / ... return), for
// control/apigateway to store: paths → resources and their methods (parameters → method.request.*,
// request bodies → request models, responses → method responses), components.schemas /
// definitions → models ($refs rewritten to model URLs), security → API keys and authorizers, and
// AWS's x-amazon-apigateway-* extensions to the fields they set on AWS. What is skipped is a
// warning in AWS's words, never a silent drop. Pure: no I/O, no ids.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "openapi/documentation.h"

namespace portico::openapi {

/// Stands for the new API's id in model URLs until it is known (the store layer substitutes it).
inline constexpr std::string_view kRestApiIdToken = "${restapi_id}";
/// Bounds on what one document may describe (AWS's default quotas are lower: 300 resources).
inline constexpr std::size_t kMaxPaths = 10'000;
inline constexpr std::size_t kMaxModels = 10'000;

struct ImportOptions {
  std::string basepath = "ignore";  // ignore | prepend | split
  bool ignoreDocumentation = false;
};

struct ImportedResource {
  std::string path;                     // "/pets/{petId}"
  boost::json::object resourceMethods;  // "GET" → Method (authorizer and validator named by "_authorizer",
                                        // "_requestValidator")
};

struct ImportedApi {
  boost::json::object api;  // name, description, version, binaryMediaTypes, apiKeySource, ...
  std::vector<ImportedResource> resources;
  std::vector<boost::json::object> models;             // name, contentType, schema, description
  std::vector<boost::json::object> requestValidators;  // name, validateRequestBody, validateRequestParameters
  std::vector<boost::json::object> authorizers;        // Authorizer without id
  std::vector<boost::json::object> gatewayResponses;   // responseType, statusCode, responseParameters, ...
  std::optional<ImportedDocumentation> documentation;  // x-amazon-apigateway-documentation (unless ignored)
  std::vector<std::string> warnings;
};

Result<ImportedApi> importDocument(const boost::json::value& document, const ImportOptions& options);

}  // namespace portico::openapi
