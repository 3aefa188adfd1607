#include "gateway/template_context.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <initializer_list>

#include "auth/x509_certificate.h"
#include "gateway/binary_media.h"

namespace portico::gateway {
namespace bj = boost::json;

namespace {

/// $context.identity.clientCert of a mutual-TLS caller, as API Gateway gives it.
bj::value clientCertOf(const std::string& pem) {
  auto info = auth::parseCertificate(pem, "client certificate");
  if (!info) return nullptr;
  return bj::object{{"clientCertPem", pem},
                    {"subjectDN", info->subject},
                    {"issuerDN", info->issuer},
                    {"serialNumber", info->serial},
                    {"validity", bj::object{{"notBefore", auth::opensslDate(info->notBefore)},
                                            {"notAfter", auth::opensslDate(info->notAfter)}}}};
}

/// The value of the first of `names` among the integration's response headers ("" when none).
std::string resultHeader(const IntegrationResult& result, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (const auto& [k, v] : result.headers) {
      if (boost::beast::iequals(k, name)) return v;
    }
  }
  return "";
}

/// $context.integration.* and the older names beside it, once the integration has answered.
void addIntegration(bj::object& context, const RequestContext& ctx) {
  if (!ctx.integrationLatency) return;
  const IntegrationResult& result = ctx.integrationResult;
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(*ctx.integrationLatency).count();
  const std::string requestId = resultHeader(result, {"x-amzn-RequestId", "x-amz-request-id"});
  context["integration"] = bj::object{{"error", ""},
                                      {"integrationStatus", result.status},
                                      {"latency", latency},
                                      {"requestId", requestId},
                                      {"status", result.status}};
  context["integrationLatency"] = latency;
  context["integrationStatus"] = result.status;
  context["awsEndpointRequestId"] = requestId;
  context["awsEndpointRequestId2"] = resultHeader(result, {"x-amz-id-2"});
}

}  // namespace

void appendRequestTime(std::chrono::system_clock::time_point at, std::string& out) {
  // Formatted once per second and thread: every access log line of a busy stage has one.
  thread_local std::time_t cachedSecond = -1;
  thread_local char cached[40];
  thread_local std::size_t cachedLength = 0;
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  if (t != cachedSecond) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    cachedLength = std::strftime(cached, sizeof cached, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    cachedSecond = t;
  }
  out.append(cached, cachedLength);
}

std::string requestTimeText(std::chrono::system_clock::time_point at) {
  std::string out;
  appendRequestTime(at, out);
  return out;
}

bj::object buildTemplateContext(const RequestContext& ctx) {
  const auto now = ctx.receivedAt;
  const std::string time = requestTimeText(now);
  const CompiledMethod* method = ctx.match.method;
  std::string host(ctx.request[boost::beast::http::field::host]);
  std::string resourcePath = method ? method->resourcePath : "";
  bj::object identity{{"sourceIp", ctx.conn.peerAddress},
                      {"userAgent", std::string(ctx.request[boost::beast::http::field::user_agent])},
                      {"accountId", nullptr},
                      {"apiKey", ctx.apiKey.empty() ? bj::value(nullptr) : bj::value(ctx.apiKey)},
                      {"apiKeyId", ctx.apiKeyId.empty() ? bj::value(nullptr) : bj::value(ctx.apiKeyId)},
                      {"caller", nullptr},
                      {"user", nullptr},
                      {"userArn", nullptr}};
  for (const auto& [k, v] : ctx.identity) identity[k] = v;
  if (!ctx.conn.clientCertPem.empty()) identity["clientCert"] = clientCertOf(ctx.conn.clientCertPem);
  bj::object context{
      {"accountId", "000000000000"},
      {"apiId", ctx.stage->apiId},
      {"domainName", host},
      {"domainPrefix", host.substr(0, host.find('.'))},
      {"extendedRequestId", ctx.apigwId},
      {"httpMethod", std::string(ctx.request.method_string())},
      {"identity", std::move(identity)},
      {"isCanaryRequest", ctx.stage->isCanary},
      // On a custom domain, the path as the client sent it (base path and all); else /stage/path.
      {"path", ctx.customDomain ? ctx.domainPath : "/" + ctx.stage->stageName + ctx.path},
      {"protocol", "HTTP/1.1"},
      {"requestId", ctx.requestId},
      {"requestTime", time},
      {"requestTimeEpoch", std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()},
      {"resourceId", method ? method->resourceId : ""},
      {"resourcePath", resourcePath},
      {"stage", ctx.stage->stageName},
      {"authorizer", ctx.authorizer},
      // Templates #set these; the Integration Request/Response stages apply them afterwards. A
      // response template sees what the request template set.
      {"requestOverride", bj::object{{"header", bj::object()}, {"querystring", bj::object()}, {"path", bj::object()}}},
      {"responseOverride", ctx.responseOverride.empty() ? bj::object{{"header", bj::object()}} : ctx.responseOverride},
  };
  addIntegration(context, ctx);
  return context;
}

vtl::TemplateInput templateInput(const RequestContext& ctx, std::string_view body, const bj::object& context) {
  vtl::TemplateInput input;
  input.body = body;
  input.pathParams = &ctx.match.pathParams;
  input.queryParams = &ctx.queryLast;
  input.headers = &ctx.headersLast;
  input.stageVariables = &ctx.stage->stageVariables;
  input.context = &context;
  input.timeSlice = ctx.renderTimeSlice;
  return input;
}

GatewayError renderFailure(const ApiError& error) {
  GatewayError out{"API_CONFIGURATION_ERROR", "Internal server error"};
  out.timeSliceSpent = error.type == vtl::kTimeSliceSpent;
  return out;
}

TemplateMap::const_iterator selectResponseTemplate(const TemplateMap& templates, std::string_view accept) {
  if (templates.empty()) return templates.end();
  if (auto it = templates.find(mediaTypeOf(accept.substr(0, accept.find(',')))); it != templates.end()) return it;
  if (auto it = templates.find("application/json"); it != templates.end()) return it;
  return templates.begin();
}

}  // namespace portico::gateway
