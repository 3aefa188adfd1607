#include "control/acm/acm_certificates.h"

#include "common/json_util.h"

namespace portico::control::acm {

std::string certificateArn(std::string_view region, std::string_view account, std::string_view uuid) {
  return "arn:aws:acm:" + std::string(region) + ":" + std::string(account) + ":certificate/" + std::string(uuid);
}

std::optional<std::string> certificateIdOf(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:acm:";
  constexpr std::string_view kResource = ":certificate/";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  auto at = arn.find(kResource);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view id = arn.substr(at + kResource.size());
  if (id.size() != 36) return std::nullopt;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) return std::nullopt;
  }
  return std::string(id);
}

std::optional<boost::json::object> findCertificate(store::Store& store, std::string_view arn) {
  auto id = certificateIdOf(arn);
  if (!id) return std::nullopt;
  auto doc = store.get(kAcmCertificate, "", *id);
  if (!doc) return std::nullopt;
  auto parsed = json::parseObject(doc->body);
  if (!parsed || json::strOr(*parsed, "CertificateArn", "") != arn) return std::nullopt;
  return parsed;
}

}  // namespace portico::control::acm
