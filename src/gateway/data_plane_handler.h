// DataPlaneHandler: the data-plane listener's http::Handler. Resolves the API and
// stage from the request (a custom domain name's Host + its base path mappings, Host
// "{api}.execute-api.*" + "/{stage}/path", or the path style
// "/restapis/{api}/{stage}/_user_request_/path"), routes, and runs the pipeline.
#pragma once
#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/id_generator.h"
#include "gateway/access_log.h"
#include "gateway/domain_registry.h"
#include "gateway/execution_log.h"
#include "gateway/log_groups.h"
#include "gateway/pipeline.h"
#include "gateway/stage_registry.h"
#include "http/handler.h"

namespace portico::gateway {

class DataPlaneHandler final : public http::Handler {
 public:
  /// All borrowed; `threads` is the number of server workers. A request's time ($context.requestTime,
  /// the quota day) is read once from `clock`, when it is routed. A stage with an access log format
  /// writes a line per request to `accessLog` (none: not written) and to its destinationArn's log
  /// group in `logGroups`, which also takes the execution logs of methods whose logging/loglevel is
  /// ERROR or INFO (none: neither is kept).
  DataPlaneHandler(const StageRegistry& registry, const DomainRegistry& domains, const Pipeline& pipeline,
                   const Clock& clock, unsigned threads, AccessLogSink* accessLog = nullptr,
                   LogGroups* logGroups = nullptr);
  boost::asio::awaitable<http::Reply> handle(http::Request& req, const http::ConnectionInfo& conn) override;

 private:
  const StageRegistry& registry_;
  const DomainRegistry& domains_;
  const Pipeline& pipeline_;
  const Clock& clock_;
  AccessLogSink* accessLog_;
  LogGroups* logGroups_;
  std::string logStream_;                          // this node's stream in every log group it writes
  std::vector<std::unique_ptr<IdGenerator>> ids_;  // one per worker: no sharing

  /// The reply, once counted in its method's metrics and its access log line (when the stage
  /// keeps one) queued.
  http::Reply logged(const RequestContext& ctx, http::Reply reply) const;
  /// The request's execution log lines, as its method's level and data trace keep them.
  void writeExecutionLog(const RequestContext& ctx, const ExecutionLog& log, unsigned status) const;
};

/// Where a data-plane request is addressed. Exposed for tests.
struct Address {
  std::string apiId;
  std::string stage;
  std::string path;        // raw, starts with '/'
  std::string query;       // without '?'
  bool executeApi = true;  // the default addressing ({api}.execute-api host or /restapis/ path)
  std::string domainPath;  // on a custom domain: the path as sent
  std::string basePathMatched;
};
/// Parses host + target into an Address; nullopt if neither addressing form applies.
std::optional<Address> parseAddress(std::string_view host, std::string_view target);

}  // namespace portico::gateway
