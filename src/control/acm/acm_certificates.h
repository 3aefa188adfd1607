// The certificates AWS Certificate Manager holds for Portico (imported, or issued by the local
// certificate authority): how they are stored, found by ARN and described. Shared by the ACM API
// (acm_api.cpp) and the domain names that name them by certificateArn / regionalCertificateArn.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace portico::control::acm {

/// Store kind of a certificate: scope "", id = the UUID at the end of its ARN. The document holds
/// CertificateArn, Certificate, PrivateKey, CertificateChain (PEM), Type (IMPORTED |
/// AMAZON_ISSUED), CreatedAt, ImportedAt or IssuedAt (epoch seconds), Tags.
inline constexpr std::string_view kAcmCertificate = "acmcertificate";

/// "arn:aws:acm:{region}:{account}:certificate/{uuid}".
std::string certificateArn(std::string_view region, std::string_view account, std::string_view uuid);
/// The UUID an ACM certificate ARN ends with, or nullopt when `arn` is not one.
std::optional<std::string> certificateIdOf(std::string_view arn);
/// The stored certificate document `arn` names, or nullopt.
std::optional<boost::json::object> findCertificate(store::Store& store, std::string_view arn);

}  // namespace portico::control::acm
