// errorResponse: a JSON error reply in API Gateway's shape
// ({"message": ...} + x-amzn-ErrorType), used wherever Portico answers an error itself.
#pragma once
#include <string>
#include <string_view>

#include "common/api_error.h"
#include "http/handler.h"

namespace portico::http {

/// status + `x-amzn-ErrorType: type` + `{"message":"..."}`.
Response errorResponse(int status, std::string_view type, std::string_view message);
Response errorResponse(const ApiError& error);
/// prepare_payload(), but a status that carries no body (1xx, 204, 304) loses the one it has
/// (Beast throws on it): a template or integration may well have written one.
void preparePayload(Response& res);
/// A JSON reply with the given status and already-serialized body.
Response jsonResponse(int status, std::string body);
/// Text with XML's five special characters escaped (for element content and attribute values).
std::string xmlEscape(std::string_view text);

}  // namespace portico::http
