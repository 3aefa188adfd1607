// VPC link operations: CreateVpcLink, GetVpcLinks, GetVpcLink, UpdateVpcLink, DeleteVpcLink, with
// AWS's shapes (a link is PENDING when created, AVAILABLE from then on). Portico runs no VPC: an
// integration with connectionType VPC_LINK reaches its URI directly (docs/). And the SDK
// operations: GetSdkTypes lists none, GetSdkType answers NotFoundException and GetSdk
// BadRequestException for a type Portico does not generate (it generates none).
// https://docs.aws.amazon.com/apigateway/latest/api/API_VpcLink.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/child_resource.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kVpcLinkFields[] = {
    {"/name", FieldKind::kString, "name"},
    {"/description", FieldKind::kString, "description"},
};

Result<bj::object> loadVpcLink(ApiGatewayContext& ctx, const std::string& id) {
  auto doc = loadDoc(ctx, kVpcLink, "", id);
  if (!doc) return ApiError::notFound("Invalid Vpc Link identifier specified");
  return std::move(*doc);
}

Status checkTargets(const bj::value* targets) {
  if (!targets || !targets->is_array() || targets->get_array().size() != 1 || !targets->get_array()[0].is_string()) {
    return ApiError::badRequest("A REST API's VPC link targets exactly one Network Load Balancer: give one targetArn");
  }
  std::string_view arn = targets->get_array()[0].get_string();
  if (!arn.starts_with("arn:aws:elasticloadbalancing:") || arn.find(":loadbalancer/net/") == std::string_view::npos ||
      arn.size() > 2048) {
    return ApiError::badRequest("Invalid targetArn specified: " + std::string(arn.substr(0, 300)) +
                                " is not a Network Load Balancer's ARN");
  }
  return Ok{};
}

ApiError invalidSdkType(std::string_view type) {
  return ApiError::notFound("Invalid SDK type specified: " + std::string(type.substr(0, 100)));
}

}  // namespace

void registerVpcLinkRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "vpclinks", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    if (json::strOr(*body, "name", "").empty())
      return ApiError::badRequest("Invalid Vpc Link name: it must not be empty");
    if (auto st = checkTargets(body->if_contains("targetArns")); !st) return st.takeError();
    bj::object link{{"id", ctx.ids.alnum(6)},
                    {"name", json::strOr(*body, "name", "")},
                    {"targetArns", body->at("targetArns")},
                    {"status", "AVAILABLE"},
                    {"statusMessage", "Your vpc link is ready for use"}};
    if (auto d = json::str(*body, "description")) link["description"] = *d;
    if (const auto* tags = json::obj(*body, "tags")) link["tags"] = *tags;
    if (auto st = checkNameAndDescription(link, "VPC link"); !st) return st.takeError();
    std::lock_guard lock(ctx.mu);
    saveDoc(ctx, kVpcLink, "", json::strOr(link, "id", ""), link);
    bj::object created = link;  // (as AWS answers while it provisions)
    created["status"] = "PENDING";
    created["statusMessage"] = "VPC link is provisioning ENIs";
    return reply(202, std::move(created));
  });
  routes.add(verb::get, "vpclinks", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    return pagedList(call, listDocs(ctx, kVpcLink, ""));
  });
  routes.add(verb::get, "vpclinks/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto link = loadVpcLink(ctx, call.params[0]);
    if (!link) return link.takeError();
    return reply(200, std::move(link).value());
  });
  routes.add(verb::patch, "vpclinks/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto link = loadVpcLink(ctx, call.params[0]);
    if (!link) return link.takeError();
    if (auto st = applyPatch(*link, *body, kVpcLinkFields); !st) return st.takeError();
    if (json::strOr(*link, "name", "").empty())
      return ApiError::badRequest("Invalid Vpc Link name: it must not be empty");
    if (auto st = checkNameAndDescription(*link, "VPC link"); !st) return st.takeError();
    saveDoc(ctx, kVpcLink, "", call.params[0], *link);
    return reply(200, std::move(link).value());
  });
  routes.add(verb::delete_, "vpclinks/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto link = loadVpcLink(ctx, call.params[0]); !link) return link.takeError();
    ctx.store.remove(kVpcLink, "", call.params[0]);
    return AdminReply{202, std::nullopt};
  });

  routes.add(verb::get, "sdktypes", [](const AdminCall& call) { return pagedList(call, {}); });
  routes.add(verb::get, "sdktypes/{}",
             [](const AdminCall& call) -> Result<AdminReply> { return invalidSdkType(call.params[0]); });
  routes.add(verb::get, "restapis/{}/stages/{}/sdks/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    const std::string& apiId = call.params[0];
    return withApi(ctx, apiId, [&](const bj::object&) -> Result<AdminReply> {
      if (auto stage = loadChild(ctx, kStages, apiId, call.params[1]); !stage) return stage.takeError();
      return ApiError::badRequest("Invalid SDK type specified: " + call.params[2].substr(0, 100) +
                                  ". Portico generates no SDKs: export the API (get-export) and generate a client "
                                  "from the OpenAPI document instead");
    });
  });
}

}  // namespace portico::control::apigateway
