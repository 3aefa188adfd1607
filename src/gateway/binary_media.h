// Binary media types: which bodies API Gateway treats as binary. A type matches a
// Content-Type or Accept value by MIME type (parameters ignored, case-insensitive),
// with "*" wildcards ("image/*", "*/*").
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace portico::gateway {

/// The MIME type of a Content-Type or Accept item: lowercase, without parameters or spaces.
std::string mediaTypeOf(std::string_view value);

/// True when `value` (a Content-Type) matches one of the API's binaryMediaTypes.
bool isBinaryMediaType(const std::vector<std::string>& binaryMediaTypes, std::string_view value);

/// True when the first type of an Accept header matches one of binaryMediaTypes (only the first counts).
bool acceptsBinary(const std::vector<std::string>& binaryMediaTypes, std::string_view accept);

}  // namespace portico::gateway
