#include "aws/aws_client.h"

#include "http/http_url.h"

namespace portico::aws {

AwsClient::AwsClient(const AwsEndpoints& endpoints, const Clock& clock, std::vector<http::UpstreamPool*> pools)
    : endpoints_(endpoints), clock_(clock), pools_(std::move(pools)) {}

Result<PreparedCall> AwsClient::prepare(AwsCall call, const auth::AwsCredentials& credentials) const {
  const Endpoint endpoint = endpoints_.forService(call.service, call.region);
  std::string base = endpoint.url;
  const bool s3 = call.service == "s3";
  if (!call.subdomain.empty()) {
    if (endpoint.aws) {
      base.insert(base.find("://") + 3, call.subdomain + ".");  // bucket.s3.{region}.amazonaws.com
    } else if (s3) {
      call.path = "/" + call.subdomain + (call.path == "/" ? "" : call.path);  // path-style away from AWS
    }
  }
  auto url = http::parseHttpUrl(base);
  if (!url) return ApiError::internal("the endpoint of " + call.service + " is not a URL: " + base);
  std::string prefix = url->target.substr(0, url->target.find('?'));
  if (prefix == "/") prefix.clear();
  std::string target = prefix + (call.path.empty() ? "/" : call.path);
  if (!call.query.empty()) target += "?" + call.query;

  call.headers.emplace_back("Host", url->hostHeader);
  auth::signRequest(call.method, target, call.headers, call.body, credentials,
                    {.service = call.service,
                     .region = call.region,
                     .time = std::chrono::floor<std::chrono::seconds>(clock_.now()),
                     .s3 = s3});
  PreparedCall out;
  out.url = std::string(url->tls ? "https://" : "http://") + url->hostHeader + target;
  out.target = http::UpstreamTarget{url->host, url->port, url->tls};
  out.request.method_string(call.method);
  out.request.target(target);
  out.request.version(11);
  for (auto& [k, v] : call.headers) out.request.insert(k, v);
  out.request.body() = std::move(call.body);  // (the pool sets Content-Length)
  return out;
}

boost::asio::awaitable<http::UpstreamOutcome> AwsClient::send(PreparedCall& call, unsigned workerIndex,
                                                              std::chrono::milliseconds timeout,
                                                              std::size_t maxResponseBytes) const {
  co_return co_await pools_[workerIndex % pools_.size()]->send(call.target, call.request, timeout,
                                                               http::RelayMode::kNone, maxResponseBytes);
}

}  // namespace portico::aws
