// Custom domain name operations: CreateDomainName, GetDomainNames, GetDomainName,
// UpdateDomainName, DeleteDomainName. A domain serves with a certificate uploaded with it or named
// by ACM ARN, optionally requires client certificates (mutualTlsAuthentication), and routes by its
// base path mappings (base_path_mappings.cpp). Every change is published to the data plane at once.
// https://docs.aws.amazon.com/apigateway/latest/api/API_DomainName.html
#include "control/apigateway/domain_names.h"

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/domain_certificates.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

ApiError unknownDomain() {
  return ApiError::notFound("Invalid domain name identifier specified");
}

/// A DNS name of labels [a-z0-9-] (a leading "*." for a wildcard), 1..253 characters.
Status checkDomainName(const std::string& name) {
  if (name.empty()) return ApiError::badRequest("No Domain Name specified");
  std::string_view rest = name;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  bool ok = name.size() <= 253 && !rest.empty() && rest.front() != '.' && rest.back() != '.' &&
            rest.find("..") == std::string_view::npos && rest.find('.') != std::string_view::npos;
  for (char c : rest) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
  if (!ok) return ApiError::badRequest("Invalid domain name: " + name.substr(0, 253) + ". Use lower-case DNS labels.");
  return Ok{};
}

/// Regional hosted zones AWS documents ([AG:apigateway-regional-api-custom-domain-create]); other
/// regions show us-east-1's.
std::string regionalHostedZone(const std::string& region) {
  if (region == "us-west-2") return "Z2OJLYMUO9EFXC";
  return "Z1UJRXOUMOOFQ8";
}

bj::array endpointTypes(const bj::object& domain) {
  if (const auto* ec = json::obj(domain, "endpointConfiguration")) {
    if (auto* t = ec->if_contains("types"); t && t->is_array()) return t->get_array();
  }
  return bj::array{"EDGE"};
}

bool hasType(const bj::object& domain, std::string_view type) {
  for (const auto& t : endpointTypes(domain)) {
    if (t.is_string() && t.get_string() == type) return true;
  }
  return false;
}

/// Fills what the domain's endpoint types imply (target names, hosted zones) where still missing.
void fillEndpoints(ApiGatewayContext& ctx, bj::object& domain) {
  if (hasType(domain, "REGIONAL") && !domain.contains("regionalDomainName")) {
    domain["regionalDomainName"] = "d-" + ctx.ids.alnum(10) + ".execute-api." + ctx.region + ".amazonaws.com";
    domain["regionalHostedZoneId"] = regionalHostedZone(ctx.region);
  }
  if (hasType(domain, "EDGE") && !domain.contains("distributionDomainName")) {
    domain["distributionDomainName"] = "d" + ctx.ids.alnum(13) + ".cloudfront.net";
    domain["distributionHostedZoneId"] = "Z2FDTNDATAQYW2";  // "for all the regions"
  }
}

/// Checks the domain as it is about to be saved and brings its TLS material up to date: the
/// certificate it serves with, the truststore (read again when its URI or version changed).
Status checkAndResolve(ApiGatewayContext& ctx, bj::object& domain, bool truststoreChanged,
                       const FetchedTruststores& fetched) {
  auto types = endpointTypes(domain);
  if (types.empty()) return ApiError::badRequest("An endpoint type is required (REGIONAL or EDGE)");
  for (const auto& t : types) {
    if (!t.is_string() || (t.get_string() != "REGIONAL" && t.get_string() != "EDGE")) {
      return ApiError::badRequest("Invalid endpoint type: only REGIONAL and EDGE are supported for custom domains");
    }
  }
  const std::string policy = json::strOr(domain, "securityPolicy", "TLS_1_2");
  if (policy != "TLS_1_0" && policy != "TLS_1_2") {
    return ApiError::badRequest("Invalid security policy " + policy.substr(0, 100) + ": use TLS_1_0 or TLS_1_2");
  }
  auto tls = resolveDomainCertificate(ctx, domain);
  if (!tls) return tls.takeError();
  auto* mtls = json::obj(domain, "mutualTlsAuthentication");
  const std::string uri = mtls ? json::strOr(*mtls, "truststoreUri", "") : "";
  if (!uri.empty()) {
    if (auto st = checkOwnershipVerification(ctx, domain); !st) return st.takeError();
  }
  if (uri.empty()) {
    domain.erase("mutualTlsAuthentication");
    domain.erase("_truststorePem");
  } else if (truststoreChanged || !domain.contains("_truststorePem")) {
    if (!hasType(domain, "REGIONAL") || policy != "TLS_1_2") {
      return ApiError::badRequest("Mutual TLS requires a REGIONAL domain name with the TLS_1_2 security policy");
    }
    auto store = loadTruststore(ctx, uri, json::strOr(*mtls, "truststoreVersion", ""), &fetched);
    if (!store) return store.takeError();
    domain["_truststorePem"] = store->pem;  // (may move the members: mtls is looked up again)
    json::objAt(domain, "mutualTlsAuthentication")["truststoreWarnings"] = std::move(store->warnings);
  }
  domain["securityPolicy"] = policy;
  return Ok{};
}

/// What AWS returns of a domain: the stored document without the certificate's key and body.
bj::object visible(bj::object domain) {
  for (auto it = domain.begin(); it != domain.end();) {
    it = it->key().starts_with("_") ? domain.erase(it) : std::next(it);
  }
  return domain;
}

Result<bj::object> newDomain(ApiGatewayContext& ctx, const bj::object& body, const FetchedTruststores& fetched) {
  const std::string name = json::strOr(body, "domainName", "");
  if (auto st = checkDomainName(name); !st) return st.takeError();
  if (loadDoc(ctx, kDomainName, "", name)) return ApiError::conflict("The domain name you provided already exists.");
  bj::object domain{{"domainName", name},
                    {"domainNameArn", "arn:aws:apigateway:" + ctx.region + "::/domainnames/" + name},
                    {"certificateUploadDate", ctx.nowEpochSeconds()},
                    {"domainNameStatus", "AVAILABLE"},
                    {"securityPolicy", json::strOr(body, "securityPolicy", "TLS_1_2")}};
  bj::object endpoint{{"types", bj::array{"EDGE"}}, {"ipAddressType", "ipv4"}};
  if (const auto* ec = json::obj(body, "endpointConfiguration")) {
    if (auto* t = ec->if_contains("types"); t && t->is_array()) endpoint["types"] = *t;
    if (auto ip = json::str(*ec, "ipAddressType")) endpoint["ipAddressType"] = *ip;
  }
  domain["endpointConfiguration"] = std::move(endpoint);
  for (auto field : {"certificateName", "certificateArn", "regionalCertificateName", "regionalCertificateArn",
                     "ownershipVerificationCertificateArn"}) {
    if (auto s = json::str(body, field)) domain[field] = s->substr(0, 2048);
  }
  for (auto [from, to] :
       {std::pair{"certificateBody", "_certificateBody"}, std::pair{"certificatePrivateKey", "_certificatePrivateKey"},
        std::pair{"certificateChain", "_certificateChain"}}) {
    if (auto s = json::str(body, from)) domain[to] = *s;
  }
  if (const auto* mtls = json::obj(body, "mutualTlsAuthentication")) {
    bj::object m{{"truststoreUri", json::strOr(*mtls, "truststoreUri", "")}};
    if (auto v = json::str(*mtls, "truststoreVersion")) m["truststoreVersion"] = *v;
    domain["mutualTlsAuthentication"] = std::move(m);
  }
  if (const auto* tags = json::obj(body, "tags")) domain["tags"] = *tags;
  fillEndpoints(ctx, domain);
  if (auto st = checkAndResolve(ctx, domain, true, fetched); !st) return st.takeError();
  return domain;
}

/// UpdateDomainName's patch operations (the paths AWS's examples use).
Status patchDomain(ApiGatewayContext& ctx, bj::object& domain, const bj::object& body, bool& truststoreChanged) {
  auto* ops = body.if_contains("patchOperations");
  if (!ops || !ops->is_array()) return ApiError::badRequest("patchOperations is required");
  for (const auto& opValue : ops->get_array()) {
    if (!opValue.is_object()) return ApiError::badRequest("Invalid patch operation");
    const auto& op = opValue.get_object();
    const std::string name = json::strOr(op, "op", ""), path = json::strOr(op, "path", "");
    const std::string value = json::strOr(op, "value", "");
    const bool removing = name == "remove";
    if (name != "add" && name != "replace" && name != "remove") {
      return ApiError::badRequest("Invalid patch operation specified. Must be one of: [add, remove, replace]");
    }
    if (path == "/endpointConfiguration/types") {
      auto& endpoint = json::objAt(domain, "endpointConfiguration");
      bj::array types = endpointTypes(domain);
      bj::array kept;
      for (const auto& t : types) {
        if (!(t.is_string() && t.get_string() == value)) kept.push_back(t);
      }
      types = std::move(kept);
      if (!removing) types.emplace_back(value);
      endpoint["types"] = std::move(types);
      fillEndpoints(ctx, domain);
    } else if (path == "/certificateName" || path == "/certificateArn" || path == "/regionalCertificateName" ||
               path == "/regionalCertificateArn" || path == "/securityPolicy" ||
               path == "/ownershipVerificationCertificateArn") {
      const std::string key = path.substr(1);
      if (removing || value.empty()) {
        domain.erase(key);
      } else {
        domain[key] = value.substr(0, 2048);
      }
      if (key.ends_with("Arn") || key == "certificateName") domain["certificateUploadDate"] = ctx.nowEpochSeconds();
    } else if (path == "/mutualTlsAuthentication/truststoreUri" ||
               path == "/mutualTlsAuthentication/truststoreVersion") {
      auto& mtls = json::objAt(domain, "mutualTlsAuthentication");
      const std::string key = path.substr(path.rfind('/') + 1);
      if (removing || value.empty()) {
        mtls.erase(key);
      } else {
        mtls[key] = value;
      }
      truststoreChanged = true;
    } else {
      return ApiError::badRequest("Invalid patch path '" + path.substr(0, 200) + "' specified for op '" + name +
                                  "'. Must be one of: [/certificateName, /certificateArn, /regionalCertificateName, "
                                  "/regionalCertificateArn, /endpointConfiguration/types, /securityPolicy, "
                                  "/mutualTlsAuthentication/truststoreUri, /mutualTlsAuthentication/truststoreVersion, "
                                  "/ownershipVerificationCertificateArn]");
    }
  }
  return Ok{};
}

unsigned workerOf(const AdminCall& call) {
  return call.conn ? call.conn->workerIndex : 0;
}

Result<AdminReply> createDomain(ApiGatewayContext& ctx, const bj::object& body, const FetchedTruststores& fetched) {
  std::lock_guard lock(ctx.mu);
  auto domain = newDomain(ctx, body, fetched);
  if (!domain) return domain.takeError();
  saveDoc(ctx, kDomainName, "", json::strOr(*domain, "domainName", ""), *domain);
  publishDomains(ctx);
  return reply(201, visible(std::move(domain).value()));
}

/// The truststore URI and version the domain would have after `body`'s patch operations, when they
/// change it (empty otherwise).
Result<std::pair<std::string, std::string>> patchedTruststore(ApiGatewayContext& ctx, const std::string& name,
                                                              const bj::object& body) {
  std::lock_guard lock(ctx.mu);
  auto domain = loadDoc(ctx, kDomainName, "", name);
  if (!domain) return unknownDomain();
  bool changed = false;
  if (auto st = patchDomain(ctx, *domain, body, changed); !st) return st.takeError();
  const auto* mtls = json::obj(*domain, "mutualTlsAuthentication");
  if (!mtls || !changed) return std::pair<std::string, std::string>{};
  return std::pair{json::strOr(*mtls, "truststoreUri", ""), json::strOr(*mtls, "truststoreVersion", "")};
}

Result<AdminReply> updateDomain(ApiGatewayContext& ctx, const std::string& name, const bj::object& body,
                                const FetchedTruststores& fetched) {
  std::lock_guard lock(ctx.mu);
  auto domain = loadDoc(ctx, kDomainName, "", name);
  if (!domain) return unknownDomain();
  bool truststoreChanged = false;
  if (auto st = patchDomain(ctx, *domain, body, truststoreChanged); !st) return st.takeError();
  if (auto st = checkAndResolve(ctx, *domain, truststoreChanged, fetched); !st) return st.takeError();
  saveDoc(ctx, kDomainName, "", name, *domain);
  publishDomains(ctx);
  return reply(200, visible(std::move(*domain)));
}

}  // namespace

std::vector<std::string> domainsUsingCertificate(ApiGatewayContext& ctx, const std::string& arn) {
  std::vector<std::string> out;
  for (const auto& d : listDocs(ctx, kDomainName, "")) {
    if (json::strOr(d, "certificateArn", "") == arn || json::strOr(d, "regionalCertificateArn", "") == arn ||
        json::strOr(d, "ownershipVerificationCertificateArn", "") == arn) {
      out.push_back(json::strOr(d, "domainNameArn", ""));
    }
  }
  return out;
}

void registerDomainNameRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.addAsync(verb::post, "domainnames",
                  [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
                    auto body = call.json();
                    if (!body) co_return body.takeError();
                    // An s3:// truststore is read first, outside the lock.
                    std::string uri, version;
                    if (const auto* mtls = json::obj(*body, "mutualTlsAuthentication")) {
                      uri = json::strOr(*mtls, "truststoreUri", "");
                      version = json::strOr(*mtls, "truststoreVersion", "");
                    }
                    FetchedTruststores fetched;
                    auto got = co_await fetchS3Truststore(ctx, uri, version, workerOf(call), fetched);
                    if (!got) co_return got.takeError();
                    co_return createDomain(ctx, *body, fetched);
                  });
  routes.add(verb::get, "domainnames", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    std::vector<bj::object> items;
    for (auto& d : listDocs(ctx, kDomainName, "")) items.push_back(visible(std::move(d)));
    return pagedList(call, std::move(items));
  });
  routes.add(verb::get, "domainnames/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto domain = loadDoc(ctx, kDomainName, "", call.params[0]);
    if (!domain) return unknownDomain();
    return reply(200, visible(std::move(*domain)));
  });
  routes.addAsync(verb::patch, "domainnames/{}",
                  [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
                    auto body = call.json();
                    if (!body) co_return body.takeError();
                    // The truststore the patched domain would name: read first (outside the lock) from S3.
                    auto target = patchedTruststore(ctx, call.params[0], *body);
                    if (!target) co_return target.takeError();
                    FetchedTruststores fetched;
                    auto got = co_await fetchS3Truststore(ctx, target->first, target->second, workerOf(call), fetched);
                    if (!got) co_return got.takeError();
                    co_return updateDomain(ctx, call.params[0], *body, fetched);
                  });
  routes.add(verb::delete_, "domainnames/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (!loadDoc(ctx, kDomainName, "", call.params[0])) return unknownDomain();
    ctx.store.transaction([&] {
      ctx.store.remove(kDomainName, "", call.params[0]);
      ctx.store.removeScope(call.params[0]);  // its base path mappings
    });
    publishDomains(ctx);
    return AdminReply{202, std::nullopt};
  });
}

}  // namespace portico::control::apigateway
