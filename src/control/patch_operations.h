// Patch operations: applies AWS PATCH bodies ({"patchOperations":[{op,path,value}]})
// to a stored JSON document, for the fields a resource type allows.
#pragma once
#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace portico::control {

enum class FieldKind {
  kString,      // "/description" → string
  kBool,        // "/apiKeyRequired" → "true"/"false"
  kInt,         // "/timeoutInMillis" → integer
  kStringMap,   // "/variables/{name}" → map entry
  kBoolMap,     // "/requestParameters/{name}" → bool map entry
  kStringList,  // "/binaryMediaTypes/{value}" → add/remove a list value
};

struct PatchField {
  std::string_view path;  // "/description" or, for maps and lists, the prefix "/variables"
  FieldKind kind;
  std::string_view key;  // document key
};

/// Decodes a JSON Pointer segment: "~1" → "/", "~0" → "~".
std::string decodePointer(std::string_view segment);

/// Applies body.patchOperations to doc. Unknown paths or ops → BadRequestException as AWS words it.
Status applyPatch(boost::json::object& doc, const boost::json::object& body, std::span<const PatchField> fields);

}  // namespace portico::control
