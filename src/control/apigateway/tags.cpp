// API Gateway's TagResource, UntagResource and GetTags (PUT / DELETE / GET /tags/{resource_arn}) on
// the taggable resources Portico keeps: REST APIs, stages, API keys, usage plans, custom domain
// names and client certificates, named by their ARN (arn:aws:apigateway:{region}::/restapis/{id},
// .../restapis/{id}/stages/{name}, ::/apikeys/{id}, ::/usageplans/{id}, ::/domainnames/{name},
// ::/clientcertificates/{id}, ::/vpclinks/{id}). The create operations' tags start the set; the get operations show it.
// Bounds as AWS's: 50 tags, keys of 1-128 characters not starting with "aws:", values up to 256.
// https://docs.aws.amazon.com/apigateway/latest/api/API_TagResource.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/domain_names.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::size_t kMaxTags = 50;

struct Tagged {
  std::string_view kind;
  std::string scope;
  std::string id;
};

/// The document an ARN names, or BadRequestException / NotFoundException.
Result<Tagged> taggedResource(ApiGatewayContext& ctx, const std::string& arn) {
  const std::string prefix = "arn:aws:apigateway:" + ctx.region + "::/";
  if (!arn.starts_with(prefix)) return ApiError::badRequest("Invalid resource ARN: " + arn.substr(0, 300));
  std::vector<std::string> parts;
  std::string_view rest = std::string_view(arn).substr(prefix.size());
  while (!rest.empty()) {
    auto slash = rest.find('/');
    parts.emplace_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  Tagged out;
  if (parts.size() == 2 && parts[0] == "restapis") {
    out = {kRestApi, "", parts[1]};
  } else if (parts.size() == 4 && parts[0] == "restapis" && parts[2] == "stages") {
    out = {kStage, parts[1], parts[3]};
  } else if (parts.size() == 2 && parts[0] == "apikeys") {
    out = {kApiKey, "", parts[1]};
  } else if (parts.size() == 2 && parts[0] == "usageplans") {
    out = {kUsagePlan, "", parts[1]};
  } else if (parts.size() == 2 && parts[0] == "domainnames") {
    out = {kDomainName, "", parts[1]};
  } else if (parts.size() == 2 && parts[0] == "clientcertificates") {
    out = {kClientCertificate, "", parts[1]};
  } else if (parts.size() == 2 && parts[0] == "vpclinks") {
    out = {kVpcLink, "", parts[1]};
  } else {
    return ApiError::badRequest("Invalid resource ARN: " + arn.substr(0, 300));
  }
  if (!loadDoc(ctx, out.kind, out.scope, out.id)) return ApiError::notFound("Invalid resource identifier specified");
  return out;
}

Status checkTags(const bj::object& tags) {
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128) return ApiError::badRequest("Tag keys must be 1 to 128 characters long");
    if (std::string_view(key).starts_with("aws:")) {
      return ApiError::badRequest("Tag keys starting with 'aws:' are reserved for AWS use");
    }
    if (!value.is_string() || value.get_string().size() > 256) {
      return ApiError::badRequest("Tag values must be strings of at most 256 characters");
    }
  }
  return Ok{};
}

}  // namespace

void registerTagRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::put, "tags/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    const bj::object* tags = json::obj(*body, "tags");
    if (!tags) return ApiError::badRequest("Tags must be provided");
    if (auto st = checkTags(*tags); !st) return st.takeError();
    std::lock_guard lock(ctx.mu);
    auto resource = taggedResource(ctx, call.params[0]);
    if (!resource) return resource.takeError();
    auto doc = loadDoc(ctx, resource->kind, resource->scope, resource->id);
    bj::object& current = json::objAt(*doc, "tags");
    for (const auto& [key, value] : *tags) current[key] = value;
    if (current.size() > kMaxTags) {
      return ApiError::badRequest("Too many tags: a resource can have at most " + std::to_string(kMaxTags));
    }
    saveDoc(ctx, resource->kind, resource->scope, resource->id, *doc);
    return AdminReply{204, std::nullopt};
  });
  routes.add(verb::delete_, "tags/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto resource = taggedResource(ctx, call.params[0]);
    if (!resource) return resource.takeError();
    auto doc = loadDoc(ctx, resource->kind, resource->scope, resource->id);
    bj::object& current = json::objAt(*doc, "tags");
    for (const auto& [name, value] : call.query) {
      if (name == "tagKeys") current.erase(value);
    }
    saveDoc(ctx, resource->kind, resource->scope, resource->id, *doc);
    return AdminReply{204, std::nullopt};
  });
  routes.add(verb::get, "tags/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto resource = taggedResource(ctx, call.params[0]);
    if (!resource) return resource.takeError();
    auto doc = loadDoc(ctx, resource->kind, resource->scope, resource->id);
    const bj::object* tags = json::obj(*doc, "tags");
    return reply(200, bj::object{{"tags", tags ? *tags : bj::object()}});
  });
}

}  // namespace portico::control::apigateway
