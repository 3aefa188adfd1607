// parseDocument: an OpenAPI / Swagger document as sent to import-rest-api or put-rest-api (JSON or
// YAML) → one JSON value, within bounds: 6 MB of text (AWS's import limit), valid UTF-8, 64 levels
// of nesting, and 1,000,000 values and 64 MB of text once YAML aliases are expanded (a "billion laughs" document is
// refused, not expanded). Duplicate mapping keys are refused. Errors are AWS's 400
// (BadRequestException) with the parser's message and where it stopped.
#pragma once
#include <boost/json/value.hpp>
#include <cstddef>
#include <string_view>

#include "common/result.h"

namespace portico::openapi {

inline constexpr std::size_t kMaxDocumentBytes = 6 * 1024 * 1024;
inline constexpr int kMaxDepth = 64;
inline constexpr std::size_t kMaxValues = 1'000'000;
inline constexpr std::size_t kMaxExpandedBytes = 64 * 1024 * 1024;  // text once YAML aliases are expanded

Result<boost::json::value> parseDocument(std::string_view text);

/// The document as YAML text (for get-export with Accept: application/yaml).
std::string toYaml(const boost::json::value& doc);

}  // namespace portico::openapi
