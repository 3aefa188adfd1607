// DataPlanePart: the data plane, built in dependency order on the server's worker loops: an
// upstream pool per loop, the authorizers (their JWKS fetched through those pools), the Method
// Request stage, the integrations, the pipeline and the listener's handler.
#pragma once
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <vector>

#include "app/serve_options.h"
#include "aws/aws_client.h"
#include "gateway/access_log.h"
#include "gateway/authorization.h"
#include "gateway/data_plane_handler.h"
#include "gateway/integration.h"
#include "gateway/method_request.h"
#include "gateway/pipeline.h"
#include "gateway/token_bucket.h"
#include "http/upstream_pool.h"
#include "http/worker_loops.h"

namespace portico {
class Clock;
}
namespace portico::auth {
class CredentialSource;
}
namespace portico::aws {
class AwsCredentialChain;
}
namespace portico::functions {
class Invoker;
}
namespace portico::gateway {
class StageRegistry;
class UsageRegistry;
class QuotaCounters;
class LogGroups;
}  // namespace portico::gateway

namespace portico::app {

/// What the data plane is built from (all borrowed).
struct DataPlaneDeps {
  http::WorkerLoops& loops;
  functions::Invoker& invoker;
  const auth::CredentialSource& credentials;
  const Clock& clock;
  const gateway::StageRegistry& registry;
  const gateway::DomainRegistry& domains;
  const gateway::UsageRegistry& usage;
  gateway::QuotaCounters& quotas;
  const aws::AwsEndpoints& awsEndpoints;
  const aws::AwsCredentialChain& awsCredentials;
  std::string accountId;
  gateway::LogGroups* logGroups = nullptr;  // stages' access and execution log groups
};

class DataPlanePart {
 public:
  DataPlanePart(const ServeOptions& opt, const DataPlaneDeps& deps);

  /// Closes the pooled upstream sockets: call while the worker loops still exist.
  void closeUpstreams() { pools_.clear(); }

 private:
  std::vector<std::unique_ptr<http::UpstreamPool>> pools_;
  std::vector<http::UpstreamPool*> poolPtrs_;

 public:
  aws::AwsClient awsClient;  // AWS service integrations (on the same pools)
  gateway::TokenBucket accountThrottle;
  gateway::Authorization authorization;
  gateway::MethodRequest methodRequest;

 private:
  std::unique_ptr<gateway::Integration> mock_, http_, lambdaProxy_, lambda_, awsService_;
  // Mapping templates that outrun their slice on a serving loop finish here (Pipeline).
  boost::asio::thread_pool renderPool_{1};
  std::unique_ptr<gateway::QueuedAccessLog> accessLog_;  // --access-log, when given

 public:
  gateway::Pipeline pipeline;
  gateway::DataPlaneHandler handler;
};

}  // namespace portico::app
