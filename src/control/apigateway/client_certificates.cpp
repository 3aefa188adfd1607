// Client certificate operations: GenerateClientCertificate, GetClientCertificates,
// GetClientCertificate, UpdateClientCertificate, DeleteClientCertificate (refused while a stage
// uses it). A certificate is generated as AWS generates it: a fresh RSA-2048 key, self-signed,
// C=US, L=Seattle, CN=ApiGateway, valid 365 days; its private key never leaves the store.
// https://docs.aws.amazon.com/apigateway/latest/api/API_ClientCertificate.html
#include <boost/json.hpp>

#include "auth/x509_issuer.h"
#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/domain_names.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kClientCertificateFields[] = {
    {"/description", FieldKind::kString, "description"},
};

bj::object visible(bj::object cert) {
  cert.erase("privateKeyPem");
  return cert;
}

/// "apiId/stage" of every stage that uses client certificate `id`.
std::vector<std::string> stagesUsing(ApiGatewayContext& ctx, const std::string& id) {
  std::vector<std::string> out;
  for (const auto& api : listDocs(ctx, kRestApi, "")) {
    const std::string apiId = json::strOr(api, "id", "");
    for (const auto& stage : listDocs(ctx, kStage, apiId)) {
      if (json::strOr(stage, "clientCertificateId", "") == id)
        out.push_back(apiId + "/" + json::strOr(stage, "stageName", ""));
    }
  }
  return out;
}

}  // namespace

Result<bj::object> loadClientCertificate(ApiGatewayContext& ctx, const std::string& id) {
  auto doc = loadDoc(ctx, kClientCertificate, "", id);
  if (!doc) return ApiError::notFound("Invalid client certificate identifier specified");
  return std::move(*doc);
}

void registerClientCertificateRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "clientcertificates", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    const std::int64_t now = ctx.nowEpochSeconds();
    auto made = auth::selfSigned({{"C", "US"}, {"L", "Seattle"}, {"CN", "ApiGateway"}}, 365, now,
                                 auth::CertificateUse::kClient);
    if (!made) return made.takeError();
    std::lock_guard lock(ctx.mu);
    bj::object cert{{"clientCertificateId", ctx.ids.alnum(6)},
                    {"pemEncodedCertificate", made->certificatePem},
                    {"createdDate", now},
                    {"expirationDate", now + 365 * 24 * 3600},
                    {"privateKeyPem", made->privateKeyPem}};
    if (auto d = json::str(*body, "description")) cert["description"] = *d;
    if (const auto* tags = json::obj(*body, "tags")) cert["tags"] = *tags;
    if (auto st = checkNameAndDescription(cert, "client certificate"); !st) return st.takeError();
    saveDoc(ctx, kClientCertificate, "", json::strOr(cert, "clientCertificateId", ""), cert);
    return reply(201, visible(std::move(cert)));
  });
  routes.add(verb::get, "clientcertificates", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    std::vector<bj::object> items;
    for (auto& c : listDocs(ctx, kClientCertificate, "")) items.push_back(visible(std::move(c)));
    return pagedList(call, std::move(items));
  });
  routes.add(verb::get, "clientcertificates/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto cert = loadClientCertificate(ctx, call.params[0]);
    if (!cert) return cert.takeError();
    return reply(200, visible(std::move(cert).value()));
  });
  routes.add(verb::patch, "clientcertificates/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto cert = loadClientCertificate(ctx, call.params[0]);
    if (!cert) return cert.takeError();
    if (auto st = applyPatch(*cert, *body, kClientCertificateFields); !st) return st.takeError();
    if (auto st = checkNameAndDescription(*cert, "client certificate"); !st) return st.takeError();
    saveDoc(ctx, kClientCertificate, "", call.params[0], *cert);
    return reply(200, visible(std::move(cert).value()));
  });
  routes.add(verb::delete_, "clientcertificates/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto cert = loadClientCertificate(ctx, call.params[0]); !cert) return cert.takeError();
    if (auto users = stagesUsing(ctx, call.params[0]); !users.empty()) {
      return ApiError::badRequest("The client certificate " + call.params[0] + " is in use by stage " + users.front() +
                                  ": remove it from the stage first");
    }
    ctx.store.remove(kClientCertificate, "", call.params[0]);
    return AdminReply{202, std::nullopt};
  });
}

}  // namespace portico::control::apigateway
