// AwsClient: Portico's one outbound client for AWS services (and compatible local ones): the
// service's endpoint (AwsEndpoints), the request SigV4-signed (auth/sigv4_signer) and sent on the
// worker's pooled, asynchronous HTTP client (http::UpstreamPool, TLS verified). prepare() and
// send() are apart so a caller can log what is sent (the Test button's execution log).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "auth/sigv4_signer.h"
#include "aws/aws_endpoints.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/upstream_pool.h"

namespace portico::aws {

/// One call to a service, before the endpoint is known.
struct AwsCall {
  std::string service;  // endpoint prefix and signing name: "s3", "dynamodb", "sqs", "states", ...
  std::string region;
  std::string subdomain;  // "bucket" of "bucket.s3": a virtual host on AWS, a path-style prefix for S3 elsewhere
  std::string method = "POST";
  std::string path = "/";  // percent-encoded as it is to be sent
  std::string query;       // encoded, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// A signed request, ready to send.
struct PreparedCall {
  std::string url;  // as sent, for logs
  http::UpstreamTarget target;
  http::Request request;
};

class AwsClient {
 public:
  /// Borrows everything; pools[i] is used from worker loop i only.
  AwsClient(const AwsEndpoints& endpoints, const Clock& clock, std::vector<http::UpstreamPool*> pools);

  /// The endpoint, the URL and the signed request. An endpoint that does not parse is an error.
  Result<PreparedCall> prepare(AwsCall call, const auth::AwsCredentials& credentials) const;
  /// Sends a prepared call on worker `workerIndex`'s pool within `timeout`, reading the whole body
  /// (at most maxResponseBytes; 0 = the pool's 10 MB).
  boost::asio::awaitable<http::UpstreamOutcome> send(PreparedCall& call, unsigned workerIndex,
                                                     std::chrono::milliseconds timeout,
                                                     std::size_t maxResponseBytes = 0) const;
  const AwsEndpoints& endpoints() const { return endpoints_; }

 private:
  const AwsEndpoints& endpoints_;
  const Clock& clock_;
  std::vector<http::UpstreamPool*> pools_;
};

}  // namespace portico::aws
