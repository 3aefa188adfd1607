#include "app/data_plane_part.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "http/fetch_document.h"
#include "integrations/integrations.h"

namespace portico::app {
namespace {

std::vector<std::unique_ptr<http::UpstreamPool>> poolPerLoop(http::WorkerLoops& loops) {
  std::vector<std::unique_ptr<http::UpstreamPool>> pools;
  for (unsigned i = 0; i < loops.size(); ++i) pools.push_back(std::make_unique<http::UpstreamPool>(loops.at(i)));
  return pools;
}

std::vector<http::UpstreamPool*> pointers(const std::vector<std::unique_ptr<http::UpstreamPool>>& pools) {
  std::vector<http::UpstreamPool*> out;
  for (const auto& p : pools) out.push_back(p.get());
  return out;
}

gateway::AuthorizationOptions authorizationOptions(const ServeOptions& opt, const std::string& accountId,
                                                   const std::vector<http::UpstreamPool*>& pools) {
  gateway::AuthorizationOptions o;
  o.region = opt.region;
  o.accountId = accountId;
  o.jwksDir = opt.jwksDir.empty() ? std::filesystem::path(opt.dataDir) / "jwks" : std::filesystem::path(opt.jwksDir);
  // JWKS fetches go through the upstream pool of the worker loop that asks.
  o.fetchJwks = [&pools](const std::string& url, auth::UserPoolKeys::FetchDone done) {
    http::startFetch(pools, url, std::chrono::seconds(3), 1024 * 1024, std::move(done));
  };
  return o;
}

/// --access-log: the file appended to (created 0640), or stdout for "-"; none for "".
std::unique_ptr<gateway::QueuedAccessLog> openAccessLog(const std::string& where) {
  if (where.empty()) return nullptr;
  if (where == "-") return std::make_unique<gateway::QueuedAccessLog>(STDOUT_FILENO, false);
  int fd = ::open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) throw std::runtime_error("--access-log " + where + ": " + std::strerror(errno));
  return std::make_unique<gateway::QueuedAccessLog>(fd, true);
}

}  // namespace

DataPlanePart::DataPlanePart(const ServeOptions& opt, const DataPlaneDeps& deps)
    : pools_(poolPerLoop(deps.loops)),
      poolPtrs_(pointers(pools_)),
      awsClient(deps.awsEndpoints, deps.clock, poolPtrs_),
      accountThrottle(opt.accountRateLimit, opt.accountBurstLimit),
      authorization(deps.invoker, deps.credentials, deps.clock, authorizationOptions(opt, deps.accountId, poolPtrs_)),
      methodRequest(authorization, deps.usage, deps.quotas, accountThrottle),
      mock_(integrations::makeMockIntegration()),
      http_(integrations::makeHttpIntegration(poolPtrs_)),
      lambdaProxy_(integrations::makeLambdaProxyIntegration(deps.invoker)),
      lambda_(integrations::makeLambdaIntegration(deps.invoker)),
      awsService_(
          integrations::makeAwsServiceIntegration(awsClient, deps.awsCredentials, deps.credentials, opt.region)),
      accessLog_(openAccessLog(opt.accessLog)),
      pipeline(methodRequest,
               gateway::Integrations{mock_.get(), http_.get(), lambdaProxy_.get(), lambda_.get(), awsService_.get()},
               renderPool_.get_executor()),
      handler(deps.registry, deps.domains, pipeline, deps.clock, deps.loops.size(), accessLog_.get(), deps.logGroups) {}

}  // namespace portico::app
