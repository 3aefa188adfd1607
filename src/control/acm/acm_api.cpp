#include "control/acm/acm_api.h"

#include <boost/json.hpp>

#include "auth/x509_certificate.h"
#include "common/base64.h"
#include "common/json_util.h"
#include "control/acm/acm_certificates.h"

namespace portico::control::acm {
namespace bj = boost::json;
namespace {

ApiError acmError(std::string type, std::string message) {
  return ApiError{std::move(type), 400, std::move(message), ErrorShape::kAwsJson, {}};
}
ApiError invalid(std::string message) {
  return acmError("ValidationException", std::move(message));
}

std::int64_t now(const AcmContext& ctx) {
  return std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.now().time_since_epoch()).count();
}

AdminReply json11(bj::object body) {
  AdminReply r{200, bj::value(std::move(body))};
  r.contentType = "application/x-amz-json-1.1";
  return r;
}

/// A blob field (base64 in JSON, as the SDKs send PEM bytes), decoded; "" when absent.
Result<std::string> blob(const bj::object& body, std::string_view field, bool required) {
  auto text = json::str(body, field);
  if (!text || text->empty()) {
    if (required)
      return invalid("1 validation error detected: Value null at '" + std::string(field) +
                     "' failed to satisfy constraint: Member must not be null");
    return std::string();
  }
  auto bytes = base64Decode(*text);
  if (!bytes) return invalid("Value at '" + std::string(field) + "' is not valid base64");
  return std::move(*bytes);
}

/// The certificate document the body's CertificateArn names.
Result<bj::object> named(AcmContext& ctx, const bj::object& body) {
  std::string arn = json::strOr(body, "CertificateArn", "");
  if (arn.empty()) {
    return invalid(
        "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: "
        "Member must not be null");
  }
  if (!certificateIdOf(arn)) return acmError("InvalidArnException", "String '" + arn + "' is not a valid ARN");
  auto doc = findCertificate(ctx.store, arn);
  if (!doc) return acmError("ResourceNotFoundException", "Could not find certificate " + arn + ".");
  return std::move(*doc);
}

std::string keyAlgorithm(std::string text) {  // RSA_2048 → RSA-2048, as ACM's answers spell it
  for (auto& c : text) c = c == '_' ? '-' : c;
  return text;
}

Result<bj::object> describe(AcmContext& ctx, const bj::object& doc) {
  auto info = auth::parseCertificate(json::strOr(doc, "Certificate", ""), "certificate");
  if (!info) return info.takeError();
  const std::string arn = json::strOr(doc, "CertificateArn", "");
  bj::array sans, inUse;
  for (const auto& n : info->dnsNames) sans.emplace_back(n);
  if (sans.empty() && !info->commonName.empty()) sans.emplace_back(info->commonName);
  if (ctx.usedBy) {
    for (const auto& user : ctx.usedBy(arn)) inUse.emplace_back(user);
  }
  const std::string type = json::strOr(doc, "Type", "IMPORTED");
  const std::int64_t t = now(ctx);
  bj::object out{
      {"CertificateArn", arn},
      {"DomainName", info->commonName.empty() && !info->dnsNames.empty() ? info->dnsNames.front() : info->commonName},
      {"SubjectAlternativeNames", std::move(sans)},
      {"Serial", info->serial},
      {"Subject", info->subject},
      {"Issuer", info->issuer},
      {"CreatedAt", doc.contains("CreatedAt") ? doc.at("CreatedAt") : bj::value(t)},
      {"Status", t >= info->notAfter ? "EXPIRED" : "ISSUED"},
      {"NotBefore", info->notBefore},
      {"NotAfter", info->notAfter},
      {"KeyAlgorithm", keyAlgorithm(info->keyAlgorithm)},
      {"SignatureAlgorithm", info->signatureAlgorithm},
      {"InUseBy", std::move(inUse)},
      {"Type", type},
      {"RenewalEligibility", "INELIGIBLE"}};
  if (auto* at = doc.if_contains("ImportedAt")) out["ImportedAt"] = *at;
  if (auto* at = doc.if_contains("IssuedAt")) out["IssuedAt"] = *at;
  return out;
}

/// Checks what ImportCertificate received: one certificate, valid now, its key, a parseable chain.
Status checkImport(AcmContext& ctx, const std::string& cert, const std::string& key, const std::string& chain) {
  auto info = auth::parseCertificate(cert, "certificate");
  if (!info) return invalid(info.error().message);
  const std::int64_t t = now(ctx);
  if (t >= info->notAfter)
    return invalid("The certificate has expired (notAfter " + auth::opensslDate(info->notAfter) + ")");
  if (t < info->notBefore) {
    return invalid("The certificate is not valid yet (notBefore " + auth::opensslDate(info->notBefore) + ")");
  }
  if (auto st = auth::checkKeyMatches(cert, key); !st) return invalid(st.error().message);
  if (!chain.empty()) {
    auto links = auth::parseBundle(chain, "certificate chain");
    if (!links) return invalid(links.error().message);
  }
  return Ok{};
}

Result<AdminReply> importCertificate(AcmContext& ctx, const bj::object& body) {
  auto cert = blob(body, "Certificate", true);
  if (!cert) return cert.takeError();
  auto key = blob(body, "PrivateKey", true);
  if (!key) return key.takeError();
  auto chain = blob(body, "CertificateChain", false);
  if (!chain) return chain.takeError();
  if (auto st = checkImport(ctx, *cert, *key, *chain); !st) return st.takeError();
  const std::int64_t t = now(ctx);
  bj::object doc;
  std::string id;
  if (auto reimport = json::str(body, "CertificateArn")) {
    auto existing = named(ctx, body);
    if (!existing) return existing.takeError();
    if (body.contains("Tags")) return invalid("Tags cannot be specified when re-importing a certificate");
    doc = std::move(existing).value();
    id = *certificateIdOf(*reimport);
  } else {
    id = ctx.ids.uuid();
    doc["CertificateArn"] = certificateArn(ctx.region, ctx.accountId, id);
    doc["CreatedAt"] = t;
    doc["Type"] = "IMPORTED";
    if (auto* tags = body.if_contains("Tags"); tags && tags->is_array()) doc["Tags"] = *tags;
  }
  doc["Certificate"] = *cert;
  doc["PrivateKey"] = *key;
  doc["CertificateChain"] = *chain;
  doc["ImportedAt"] = t;
  ctx.store.put({std::string(kAcmCertificate), "", id, bj::serialize(doc)});
  return json11(bj::object{{"CertificateArn", doc["CertificateArn"]}});
}

Result<AdminReply> requestCertificate(AcmContext& ctx, const bj::object& body) {
  std::string domain = json::strOr(body, "DomainName", "");
  if (domain.empty() || domain.size() > 253) {
    return invalid(
        "1 validation error detected: Value at 'domainName' failed to satisfy constraint: Member must "
        "have length between 1 and 253");
  }
  std::vector<std::string> names{domain};
  if (auto* sans = body.if_contains("SubjectAlternativeNames"); sans && sans->is_array()) {
    if (sans->get_array().size() > 100) return invalid("Too many SubjectAlternativeNames: at most 100");
    for (const auto& n : sans->get_array()) {
      if (n.is_string() && n.get_string() != domain) names.emplace_back(n.get_string());
    }
  }
  for (const auto& n : names) {
    for (char c : n) {
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '*';
      if (!ok) return invalid("The domain name " + n.substr(0, 253) + " is not valid");
    }
  }
  const std::int64_t t = now(ctx);
  auto issued = ctx.ca.issue(names, t);
  if (!issued) return issued.takeError();
  auto ca = ctx.ca.authority(t);
  if (!ca) return ca.takeError();
  const std::string id = ctx.ids.uuid();
  bj::object doc{{"CertificateArn", certificateArn(ctx.region, ctx.accountId, id)},
                 {"Certificate", issued->certificatePem},
                 {"PrivateKey", issued->privateKeyPem},
                 {"CertificateChain", ca->certificatePem},
                 {"Type", "AMAZON_ISSUED"},
                 {"CreatedAt", t},
                 {"IssuedAt", t}};
  if (auto* tags = body.if_contains("Tags"); tags && tags->is_array()) doc["Tags"] = *tags;
  ctx.store.put({std::string(kAcmCertificate), "", id, bj::serialize(doc)});
  return json11(bj::object{{"CertificateArn", doc["CertificateArn"]}});
}

Result<AdminReply> listCertificates(AcmContext& ctx, const bj::object& body) {
  std::size_t start = 0, max = 1000;
  if (auto token = json::str(body, "NextToken"))
    start = static_cast<std::size_t>(std::strtoull(token->c_str(), nullptr, 10));
  if (auto* m = body.if_contains("MaxItems"); m && m->is_int64() && m->get_int64() > 0) {
    max = static_cast<std::size_t>(std::min<std::int64_t>(m->get_int64(), 1000));
  }
  auto docs = ctx.store.list(kAcmCertificate, "");
  bj::array list;
  std::size_t i = start;
  for (; i < docs.size() && list.size() < max; ++i) {
    auto doc = json::parseObject(docs[i].body);
    if (!doc) continue;
    auto full = describe(ctx, *doc);
    if (!full) continue;
    bj::object summary{{"CertificateArn", full->at("CertificateArn")},
                       {"DomainName", full->at("DomainName")},
                       {"Type", full->at("Type")},
                       {"Status", full->at("Status")},
                       {"KeyAlgorithm", full->at("KeyAlgorithm")},
                       {"InUse", !full->at("InUseBy").get_array().empty()},
                       {"NotBefore", full->at("NotBefore")},
                       {"NotAfter", full->at("NotAfter")},
                       {"CreatedAt", full->at("CreatedAt")},
                       {"SubjectAlternativeNameSummaries", full->at("SubjectAlternativeNames")}};
    list.push_back(std::move(summary));
  }
  bj::object out{{"CertificateSummaryList", std::move(list)}};
  if (i < docs.size()) out["NextToken"] = std::to_string(i);
  return json11(std::move(out));
}

Result<AdminReply> dispatch(AcmContext& ctx, const AdminCall& call) {
  const std::string target = call.header("X-Amz-Target");
  const std::string op = target.substr(target.find('.') + 1);
  auto body = call.json();
  if (!body) return invalid(body.error().message);
  std::lock_guard lock(ctx.mu);
  if (op == "ImportCertificate") return importCertificate(ctx, *body);
  if (op == "RequestCertificate") return requestCertificate(ctx, *body);
  if (op == "ListCertificates") return listCertificates(ctx, *body);
  if (op == "DescribeCertificate" || op == "GetCertificate" || op == "DeleteCertificate") {
    auto doc = named(ctx, *body);
    if (!doc) return doc.takeError();
    const std::string arn = json::strOr(*doc, "CertificateArn", "");
    if (op == "DescribeCertificate") {
      auto d = describe(ctx, *doc);
      if (!d) return d.takeError();
      return json11(bj::object{{"Certificate", std::move(d).value()}});
    }
    if (op == "GetCertificate") {
      bj::object out{{"Certificate", json::strOr(*doc, "Certificate", "")}};
      if (auto chain = json::strOr(*doc, "CertificateChain", ""); !chain.empty()) out["CertificateChain"] = chain;
      return json11(std::move(out));
    }
    if (ctx.usedBy && !ctx.usedBy(arn).empty()) {
      return acmError("ResourceInUseException", "Certificate " + arn + " in use.");
    }
    ctx.store.remove(kAcmCertificate, "", *certificateIdOf(arn));
    return json11(bj::object{});
  }
  return ApiError{
      "UnknownOperationException", 400, "Unknown operation: " + target.substr(0, 200), ErrorShape::kAwsJson, {}};
}

}  // namespace

void registerAcmRoutes(TargetRouter& targets, AcmContext& ctx) {
  targets.add("CertificateManager.", [&ctx](const AdminCall& call) { return dispatch(ctx, call); });
}

}  // namespace portico::control::acm
