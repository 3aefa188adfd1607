// Bounds on API Gateway's free-text fields (names, descriptions, resource policies).
//
// AWS's model gives most of these no length or pattern, yet every one is stored, listed, exported
// and shown in the console: an unbounded name is a memory and rendering hazard, and a NUL or a
// control character breaks logs and clients. Where AWS documents a bound it is used with AWS's
// message (API key name 1,024 characters and description 125,000; resource policy 8,192
// characters); elsewhere names get the same 1,024 characters and descriptions 125,000, and no
// control characters (descriptions may hold line breaks and tabs).
#pragma once
#include <boost/json/object.hpp>
#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "common/result.h"

namespace portico::control::apigateway {

inline constexpr std::size_t kMaxNameChars = 1024;
inline constexpr std::size_t kMaxDescriptionChars = 125000;
inline constexpr std::size_t kMaxPolicyChars = 8192;

/// Checks doc["name"] and doc["description"] (when present and strings); `label` names the
/// resource in the message ("REST API", "API Key", "usage plan"...).
Status checkNameAndDescription(const boost::json::object& doc, std::string_view label);

/// Checks doc["policy"] (when present): a JSON object of at most kMaxPolicyChars characters.
Status checkResourcePolicy(const boost::json::object& doc);

/// AWS's ValidationException for a value outside an enum: "1 validation error detected: Value 'X'
/// at '<where>' failed to satisfy constraint: Member must satisfy enum value set: [A, B]" (`where`
/// names the input's member as AWS does, e.g. "createRestApiInput.endpointConfiguration.types").
Status checkEnumValue(std::string_view value, std::string_view where, std::initializer_list<std::string_view> values);

/// Characters counted as a user sees them (UTF-8 code points; a stray byte counts as one).
std::size_t charCount(std::string_view text);

}  // namespace portico::control::apigateway
