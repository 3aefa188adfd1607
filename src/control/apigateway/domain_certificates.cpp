#include "control/apigateway/domain_certificates.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "auth/x509_certificate.h"
#include "aws/aws_client.h"
#include "aws/s3_object.h"
#include "common/json_util.h"
#include "control/acm/acm_certificates.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
namespace {

/// Whether the certificate covers the domain: a wildcard domain needs the same wildcard among the
/// certificate's names; any other name is checked as a TLS client checks a host.
bool covers(const auth::CertificateInfo& info, const std::string& domain) {
  if (domain.starts_with("*.")) {
    for (const auto& n : info.dnsNames) {
      if (n == domain) return true;
    }
    return false;
  }
  return auth::coversHost(info.pem, domain);
}

Status checkServes(ApiGatewayContext& ctx, const DomainTls& tls, const std::string& domain, bool acmIssued) {
  auto info = auth::parseCertificate(tls.certificatePem, "certificate body");
  if (!info) return info.takeError();
  const std::int64_t now = ctx.nowEpochSeconds();
  if (now >= info->notAfter) {
    return ApiError::badRequest("The certificate has expired: it was valid until " + auth::opensslDate(info->notAfter));
  }
  if (now < info->notBefore) {
    return ApiError::badRequest("The certificate is not valid yet: it is valid from " +
                                auth::opensslDate(info->notBefore));
  }
  if (auto st = auth::checkKeyMatches(tls.certificatePem, tls.privateKeyPem); !st) return st.takeError();
  if (!tls.chainPem.empty()) {
    if (auto chain = auth::parseBundle(tls.chainPem, "certificate chain"); !chain) return chain.takeError();
  }
  if (!covers(*info, domain)) {
    std::string names;
    for (const auto& n : info->dnsNames) names += (names.empty() ? "" : ", ") + n;
    if (names.empty()) names = info->commonName;
    return ApiError::badRequest("The certificate does not cover the domain name " + domain + " (it is for " +
                                names.substr(0, 500) + ")");
  }
  if (domain.starts_with("*.") && !acmIssued) {
    return ApiError::badRequest(
        "A wildcard custom domain name needs a certificate issued by ACM: request one with "
        "'aws acm request-certificate'");
  }
  return Ok{};
}

}  // namespace

Result<DomainTls> resolveDomainCertificate(ApiGatewayContext& ctx, const bj::object& domain) {
  const std::string name = json::strOr(domain, "domainName", "");
  for (auto field : {"regionalCertificateArn", "certificateArn"}) {
    const std::string arn = json::strOr(domain, field, "");
    if (arn.empty()) continue;
    auto cert = acm::findCertificate(ctx.store, arn);
    if (!cert)
      return ApiError::badRequest("Invalid certificate ARN: " + arn.substr(0, 300) + ". Certificate not found.");
    DomainTls tls{json::strOr(*cert, "Certificate", ""),
                  json::strOr(*cert, "PrivateKey", ""),
                  json::strOr(*cert, "CertificateChain", ""),
                  {}};
    if (auto st = checkServes(ctx, tls, name, json::strOr(*cert, "Type", "") == "AMAZON_ISSUED"); !st) {
      return st.takeError();
    }
    return tls;
  }
  DomainTls tls{json::strOr(domain, "_certificateBody", ""),
                json::strOr(domain, "_certificatePrivateKey", ""),
                json::strOr(domain, "_certificateChain", ""),
                {}};
  if (tls.certificatePem.empty()) {
    return ApiError::badRequest(
        "A certificate is required: give regionalCertificateArn (REGIONAL), certificateArn (EDGE), or "
        "certificateBody with certificatePrivateKey");
  }
  if (tls.privateKeyPem.empty()) return ApiError::badRequest("certificatePrivateKey is required with certificateBody");
  if (auto st = checkServes(ctx, tls, name, false); !st) return st.takeError();
  return tls;
}

Status checkOwnershipVerification(ApiGatewayContext& ctx, const bj::object& domain) {
  const std::string name = json::strOr(domain, "domainName", "");
  const std::string arn = json::strOr(domain, "regionalCertificateArn", "");
  if (!arn.empty()) {
    auto cert = acm::findCertificate(ctx.store, arn);
    if (!cert || json::strOr(*cert, "Type", "IMPORTED") == "AMAZON_ISSUED") return Ok{};
  } else if (json::strOr(domain, "_certificateBody", "").empty()) {
    return Ok{};  // (an uploaded certificate is as good as an imported one: it needs the proof too)
  }
  const std::string ownership = json::strOr(domain, "ownershipVerificationCertificateArn", "");
  if (ownership.empty()) {
    return ApiError::badRequest(
        "Mutual TLS with an imported certificate requires ownershipVerificationCertificateArn: the ARN of a "
        "certificate issued by ACM for " +
        name + " (request one with 'aws acm request-certificate')");
  }
  auto owner = acm::findCertificate(ctx.store, ownership);
  if (!owner) {
    return ApiError::badRequest("Invalid ownership verification certificate ARN: " + ownership.substr(0, 300) +
                                ". Certificate not found.");
  }
  if (json::strOr(*owner, "Type", "IMPORTED") != "AMAZON_ISSUED") {
    return ApiError::badRequest("The ownership verification certificate " + ownership.substr(0, 300) +
                                " must be a certificate issued by ACM, not an imported one");
  }
  DomainTls tls{json::strOr(*owner, "Certificate", ""), json::strOr(*owner, "PrivateKey", ""), "", {}};
  return checkServes(ctx, tls, name, true);
}

std::string truststoreKey(const std::string& uri, const std::string& version) {
  return uri + '\n' + version;
}

boost::asio::awaitable<Status> fetchS3Truststore(ApiGatewayContext& ctx, const std::string& uri,
                                                 const std::string& version, unsigned workerIndex,
                                                 FetchedTruststores& fetched) {
  auto where = aws::parseS3Uri(uri);
  if (!uri.starts_with("s3://")) co_return Ok{};
  const std::string shown = uri.substr(0, 300);
  if (!where) co_return ApiError::badRequest("Invalid truststore URI " + shown + ": use s3://bucket/key");
  if (!ctx.aws || !ctx.awsCredentials) co_return ApiError::badRequest("Portico has no S3 client to read " + shown);
  auto credentials = ctx.awsCredentials->forRole("");
  if (!credentials) {
    co_return ApiError::badRequest("Unable to access the truststore at " + shown +
                                   ": Portico has no AWS credentials (AWS_ACCESS_KEY_ID or ~/.aws/credentials)");
  }
  where->versionId = version;
  auto got = co_await aws::getS3Object(*ctx.aws, *credentials, ctx.region, *where, workerIndex,
                                       std::chrono::seconds(30), auth::kMaxBundlePemBytes);
  if (auto* failure = std::get_if<aws::S3Failure>(&got)) {
    if (failure->tooLarge) co_return ApiError::badRequest("The truststore at " + shown + " is larger than 1 MB");
    if (failure->status == 0) {
      spdlog::warn("truststore {}: {}", shown, failure->detail);
      co_return ApiError::badRequest("Unable to access the truststore at " + shown + ": S3 could not be reached");
    }
    co_return ApiError::badRequest("Unable to access the truststore at " + shown + ". S3 Error Code: " + failure->code +
                                   ". S3 Error Message: " + failure->message);
  }
  fetched[truststoreKey(uri, version)] = std::move(std::get<aws::S3Object>(got).body);
  co_return Ok{};
}

Result<Truststore> loadTruststore(ApiGatewayContext& ctx, const std::string& uri, const std::string& version,
                                  const FetchedTruststores* fetched) {
  constexpr std::string_view kFile = "file://";
  std::string text;
  if (uri.starts_with("s3://")) {
    auto it = fetched ? fetched->find(truststoreKey(uri, version)) : FetchedTruststores::const_iterator();
    if (!fetched || it == fetched->end()) {
      return ApiError::badRequest("Unable to access the truststore at " + uri.substr(0, 300));
    }
    text = it->second;
  } else if (uri.starts_with(kFile)) {
    const std::string path = uri.substr(kFile.size());
    std::ifstream in(path, std::ios::binary);
    if (!in) return ApiError::badRequest("Unable to read the truststore at " + uri.substr(0, 300));
    text.assign(auth::kMaxBundlePemBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
  } else {
    return ApiError::badRequest("Invalid truststore URI " + uri.substr(0, 300) +
                                ": Portico reads truststores from s3://bucket/key or file:///path/to/bundle.pem");
  }
  auto certs = auth::parseBundle(text, "truststore");
  if (!certs) return certs.takeError();
  Truststore out{std::move(text), {}};
  const std::int64_t now = ctx.nowEpochSeconds();
  for (const auto& c : *certs) {
    const std::string who = "Certificate " + c.subject + " (serial " + c.serial + ")";
    if (now >= c.notAfter) out.warnings.emplace_back(who + " has expired");
    if (now < c.notBefore) out.warnings.emplace_back(who + " is not valid yet");
    if (!c.isCa) out.warnings.emplace_back(who + " is not a CA certificate (basicConstraints CA:TRUE is missing)");
  }
  return out;
}

}  // namespace portico::control::apigateway
