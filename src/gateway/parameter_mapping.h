// Parameter mapping: evaluates the source side of requestParameters /
// responseParameters ("method.request.path.id", "'static'", "stageVariables.x",
// "integration.response.header.X") against a request.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "gateway/request_context.h"

namespace portico::gateway {

/// The value of a request-side mapping source, or nullopt when it has no value.
std::optional<std::string> requestSourceValue(const RequestContext& ctx, std::string_view source);
/// The value of a response-side mapping source (integration.response.header.X, 'static', ...).
std::optional<std::string> responseSourceValue(const RequestContext& ctx, std::string_view source);
/// Case-insensitive lookup in a header list (last wins).
std::optional<std::string> findHeader(const HeaderList& headers, std::string_view name);

}  // namespace portico::gateway
