// Integration Request stage: maps the method request onto what the integration
// needs: the endpoint URL (path variables, stage variables), mapped parameters,
// and the body (request template by Content-Type, passthrough behaviour).
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "gateway/request_context.h"

namespace portico::gateway {

StageResult runIntegrationRequest(RequestContext& ctx);

/// Replaces ${stageVariables.x} in a URI (unknown names become ""), and, when pathValues is
/// given, {name} and {name+} with their percent-encoded values (integration URIs; authorizer
/// URIs only take stage variables).
std::string expandUri(std::string_view uri, const std::map<std::string, std::string>& stageVariables,
                      const std::map<std::string, std::string>* pathValues = nullptr);

}  // namespace portico::gateway
