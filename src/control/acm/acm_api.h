// The AWS Certificate Manager API (JSON 1.1, SigV4 service `acm`, POST / with X-Amz-Target:
// CertificateManager.*), as far as custom domain names need it: ImportCertificate,
// DescribeCertificate, GetCertificate, ListCertificates, DeleteCertificate (refused while a
// domain uses it) and RequestCertificate, answered at once by the local certificate authority.
// https://docs.aws.amazon.com/acm/latest/APIReference/API_Operations.html
#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/id_generator.h"
#include "control/acm/local_ca.h"
#include "control/target_router.h"
#include "store/store.h"

namespace portico::control::acm {

struct AcmContext {
  store::Store& store;
  const Clock& clock;
  LocalCa& ca;
  std::string region = "us-east-1";
  std::string accountId = "000000000000";
  /// The ARNs of what uses a certificate (domain names), for InUseBy and DeleteCertificate.
  std::function<std::vector<std::string>(const std::string& certificateArn)> usedBy;
  IdGenerator ids;
  std::mutex mu;
};

void registerAcmRoutes(TargetRouter& targets, AcmContext& ctx);

}  // namespace portico::control::acm
