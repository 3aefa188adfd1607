// DocumentationVersion operations: CreateDocumentationVersion (a snapshot of the API's
// documentation parts as they are now, optionally set on a stage), GetDocumentationVersions,
// GetDocumentationVersion, UpdateDocumentationVersion (replace /description),
// DeleteDocumentationVersion (refused while a stage publishes it).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-documenting-api-publishing.html
#include <boost/json.hpp>
#include <string>

#include "common/json_util.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/documentation_parts.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr ChildKind kVersions{kDocumentationVersion, "Invalid Documentation version specified"};

constexpr PatchField kVersionFields[] = {
    {"/description", FieldKind::kString, "description"},
};

/// A version id: what AWS's console accepts (letters, digits, '.', '-', '_'), at most 64 characters.
bool validVersion(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

/// The stages that publish `version`, comma-separated ("" when none).
std::string stagesUsing(ApiGatewayContext& ctx, const std::string& apiId, const std::string& version) {
  std::string names;
  for (const auto& stage : listDocs(ctx, kStage, apiId)) {
    if (json::strOr(stage, "documentationVersion", "") == version) {
      names += (names.empty() ? "" : ", ") + json::strOr(stage, "stageName", "");
    }
  }
  return names;
}

Result<AdminReply> createVersion(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  const auto version = json::str(*body, "documentationVersion");
  if (!version) return ApiError::badRequest("Documentation version is required");
  if (!validVersion(*version)) {
    return ApiError::badRequest("Invalid documentation version: use at most 64 letters, digits, '.', '-' or '_'");
  }
  const std::string stageName = json::strOr(*body, "stageName", "");
  return withApi(ctx, call.params[0], [&](const bj::object&) -> Result<AdminReply> {
    const std::string& apiId = call.params[0];
    if (loadDoc(ctx, kDocumentationVersion, apiId, *version)) {
      return ApiError::conflict("Documentation version already exists: " + *version);
    }
    std::optional<bj::object> stage;
    if (!stageName.empty()) {
      stage = loadDoc(ctx, kStage, apiId, stageName);
      if (!stage) return ApiError::notFound("Invalid stage identifier specified");
    }
    bj::object doc{{"version", *version}, {"createdDate", ctx.nowEpochSeconds()}};
    if (auto d = json::str(*body, "description")) doc["description"] = *d;
    if (auto st = checkNameAndDescription(doc, "documentation version"); !st) return st.takeError();
    bj::array parts;
    for (auto& p : listDocs(ctx, kDocumentationPart, apiId)) parts.push_back(std::move(p));
    ctx.store.transaction([&] {
      saveDoc(ctx, kDocumentationVersion, apiId, *version, doc);
      saveDoc(ctx, kDocumentationSnapshot, apiId, *version, bj::object{{"parts", std::move(parts)}});
      if (stage) {
        (*stage)["documentationVersion"] = *version;
        (*stage)["lastUpdatedDate"] = ctx.nowEpochSeconds();
        saveDoc(ctx, kStage, apiId, stageName, *stage);
      }
    });
    return reply(201, std::move(doc));
  });
}

/// Refused while a stage publishes the version: the stage's exports would lose their documentation.
Status notPublished(ApiGatewayContext& ctx, const AdminCall& call) {
  const std::string stages = stagesUsing(ctx, call.params[0], call.params[1]);
  if (stages.empty()) return Ok{};
  return ApiError::conflict("Documentation version " + call.params[1] + " is in use by stage(s): " + stages +
                            ". Update the stage's documentationVersion first");
}

}  // namespace

Status checkDocumentationVersion(ApiGatewayContext& ctx, const std::string& apiId, const std::string& version) {
  if (loadDoc(ctx, kDocumentationVersion, apiId, version)) return Ok{};
  return ApiError::notFound("Invalid Documentation version specified");
}

void registerDocumentationVersionRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/documentation/versions",
             [&ctx](const AdminCall& call) { return createVersion(ctx, call); });
  addChildRoutes(
      routes, ctx, "documentation/versions", kVersions,
      {kVersionFields,
       [](const AdminCall&, const bj::object& v) { return checkNameAndDescription(v, "documentation version"); },
       [&ctx](const AdminCall& call, const bj::object&) { return notPublished(ctx, call); },
       [&ctx](const AdminCall& call) {
         ctx.store.remove(kDocumentationVersion, call.params[0], call.params[1]);
         ctx.store.remove(kDocumentationSnapshot, call.params[0], call.params[1]);
       }});
}

}  // namespace portico::control::apigateway
