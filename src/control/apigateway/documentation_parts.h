// Documentation parts and versions: what the operations on /restapis/{id}/documentation/... and
// the OpenAPI import/export share: a part's location checked and normalised as
// CreateDocumentationPart checks it, the parts of an imported x-amazon-apigateway-documentation
// merged into (or replacing) the API's, and a stage's documentation version as the extension
// GetExport writes.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-documenting-api-content-representation.html
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/apigateway/apigateway_context.h"

namespace portico::control::apigateway {

inline constexpr std::string_view kDocumentationPart = "documentationpart";          // scope = api id
inline constexpr std::string_view kDocumentationVersion = "documentationversion";    // id = the version
inline constexpr std::string_view kDocumentationSnapshot = "documentationsnapshot";  // {"parts": [...]} per version

/// AWS's default quota of documentation parts per API, and Portico's bound on one part's properties.
inline constexpr std::size_t kMaxDocumentationParts = 2000;
inline constexpr std::size_t kMaxDocumentationPropertiesBytes = 32 * 1024;

/// A part's stored document without its id ({"location": {...}, "properties": "<json text>"}), or
/// the 400 CreateDocumentationPart answers: an unknown type (ValidationException naming `input`,
/// e.g. "createDocumentationPartInput"), a field the type does not have, a missing name, a bad
/// path, method or status code, properties that are absent, not JSON or too large. The path
/// defaults to "/" where the type has one.
Result<boost::json::object> documentationPartDocument(const boost::json::value* location,
                                                      const boost::json::value* properties, std::string_view input);

/// The location with its defaults made explicit (path "/", method "*", statusCode "*" where the
/// type has them): two parts with the same key document the same entity.
std::string documentationLocationKey(const boost::json::object& location);

/// Writes `parts` (each {"location": {...}, "properties": <object or JSON text>}) into the API's
/// documentation (hold ctx.mu, inside a transaction): overwrite first removes every part; merge
/// adds new locations and merges the properties of existing ones key by key. Returns the ids
/// written; a part that fails documentationPartDocument is a warning (or, with failOnWarnings,
/// the error, before anything is written).
Result<std::vector<std::string>> writeDocumentationParts(ApiGatewayContext& ctx, const std::string& apiId,
                                                         const std::vector<boost::json::object>& parts, bool overwrite,
                                                         bool failOnWarnings, std::vector<std::string>& warnings);

/// The x-amazon-apigateway-documentation extension of the stage's documentation version
/// ({"version", "createdDate", "documentationParts": [{"location" without defaults, "properties"
/// object}]}), or nullopt when the stage has none. Hold ctx.mu.
std::optional<boost::json::object> documentationExtension(ApiGatewayContext& ctx, const std::string& apiId,
                                                          const boost::json::object& stage);

/// NotFoundException "Invalid Documentation version specified" unless the API has `version`.
Status checkDocumentationVersion(ApiGatewayContext& ctx, const std::string& apiId, const std::string& version);

RegisterRoutes registerDocumentationPartRoutes, registerDocumentationVersionRoutes;

}  // namespace portico::control::apigateway
