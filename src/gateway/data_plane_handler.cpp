#include "gateway/data_plane_handler.h"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/uri_encoding.h"
#include "gateway/gateway_responses.h"
#include "gateway/method_request.h"
#include "gateway/router.h"
#include "gateway/stage_metrics.h"
#include "gateway/template_context.h"

namespace portico::gateway {
namespace {

/// Splits "/first/rest..." into "first" and "/rest...".
std::pair<std::string_view, std::string_view> firstSegment(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  auto slash = path.find('/');
  if (slash == std::string_view::npos) return {path, "/"};
  return {path.substr(0, slash), path.substr(slash)};
}

}  // namespace

std::optional<Address> parseAddress(std::string_view host, std::string_view target) {
  Address out;
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));

  constexpr std::string_view kPrefix = "/restapis/";
  constexpr std::string_view kUser = "/_user_request_";
  if (path.starts_with(kPrefix)) {
    auto [api, afterApi] = firstSegment(path.substr(kPrefix.size() - 1));
    auto [stage, afterStage] = firstSegment(afterApi);
    if (api.empty() || stage.empty() || !afterStage.starts_with(kUser)) return std::nullopt;
    std::string_view rest = afterStage.substr(kUser.size());
    if (!rest.empty() && rest.front() != '/') return std::nullopt;
    out.apiId = std::string(api);
    out.stage = std::string(stage);
    out.path = rest.empty() ? "/" : std::string(rest);
    return out;
  }
  auto dot = host.find(".execute-api.");
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  out.apiId = std::string(host.substr(0, dot));
  auto [stage, rest] = firstSegment(path);
  if (stage.empty()) return std::nullopt;
  out.stage = std::string(stage);
  out.path = std::string(rest);
  return out;
}

DataPlaneHandler::DataPlaneHandler(const StageRegistry& registry, const DomainRegistry& domains,
                                   const Pipeline& pipeline, const Clock& clock, unsigned threads,
                                   AccessLogSink* accessLog, LogGroups* logGroups)
    : registry_(registry),
      domains_(domains),
      pipeline_(pipeline),
      clock_(clock),
      accessLog_(accessLog),
      logGroups_(logGroups) {
  for (unsigned i = 0; i < threads; ++i) ids_.push_back(std::make_unique<IdGenerator>());
  IdGenerator streamIds;
  for (char c : streamIds.uuid()) {
    if (c != '-') logStream_ += c;  // 32 hex digits, as AWS names the gateway's streams
  }
}

namespace {

/// One Cookie line without the console's cookie ("" when nothing else is left).
std::string withoutConsoleCookie(std::string_view rest) {
  std::string kept;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.empty() || pair.starts_with("portico_console=")) continue;
    if (!kept.empty()) kept += "; ";
    kept += pair;
  }
  return kept;
}

/// Browsers send cookies to every port of a host: the console's session cookie must never reach an
/// integration, an authorizer or a template, whichever Cookie line carries it. The lines left keep
/// the name as the client spelt it (`cookie` stays `cookie`, as API Gateway shows request headers).
void dropConsoleCookie(http::Request& req) {
  constexpr auto kCookie = boost::beast::http::field::cookie;
  auto [first, last] = req.equal_range(kCookie);
  bool console = std::any_of(
      first, last, [](const auto& field) { return field.value().find("portico_console=") != std::string_view::npos; });
  if (!console) return;
  std::vector<std::pair<std::string, std::string>> kept;  // (name as sent, the cookies left)
  for (auto it = first; it != last; ++it) {
    std::string value = withoutConsoleCookie(it->value());
    if (!value.empty()) kept.emplace_back(std::string(it->name_string()), std::move(value));
  }
  req.erase(kCookie);
  for (auto& [name, value] : kept) req.insert(name, value);
}

/// The address of a request on a custom domain, or nullopt when no mapping covers its path.
std::optional<Address> domainAddress(const CustomDomain& domain, std::string_view target) {
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  auto to = resolveDomainPath(domain, path);
  if (!to) return std::nullopt;
  Address out;
  out.apiId = std::move(to->apiId);
  out.stage = std::move(to->stage);
  out.path = std::move(to->path);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  out.executeApi = false;
  out.domainPath = std::string(path);
  out.basePathMatched = std::move(to->basePathMatched);
  return out;
}

/// API Gateway's answer when a request has nowhere to go: an unmapped custom-domain path, or the
/// default endpoint of an API that disabled it.
http::Response forbidden(const std::string& requestId, const std::string& apigwId) {
  http::Response res = gatewayErrorResponse(GatewayError{"DEFAULT_4XX", "Forbidden", 403}, requestId, apigwId);
  res.set("x-amzn-ErrorType", "ForbiddenException");
  return res;
}

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool startsWithAny(std::string_view line, std::initializer_list<std::string_view> prefixes) {
  for (auto p : prefixes) {
    if (line.starts_with(p)) return true;
  }
  return false;
}

/// What an ERROR level keeps of a failed request's log.
bool isErrorLine(std::string_view line) {
  return startsWithAny(
      line, {"Execution failed", "Gateway response type", "Request validation failed", "Method completed with status"});
}

/// The request's and response's data: only with dataTrace ("can result in logging sensitive data").
bool isDataLine(std::string_view line) {
  return startsWithAny(
      line, {"Method request path", "Method request query string", "Method request headers", "Method request body",
             "Endpoint request headers", "Endpoint request body", "Endpoint response headers", "Endpoint response body",
             "Method response body", "Method response headers"});
}

}  // namespace

http::Reply DataPlaneHandler::logged(const RequestContext& ctx, http::Reply reply) const {
  countRequest(ctx, reply.response.result_int(),
               std::chrono::duration_cast<std::chrono::microseconds>(clock_.now() - ctx.receivedAt));
  if (!ctx.stage->accessLog) return reply;
  const bool toGroup = logGroups_ && !ctx.stage->accessLogGroup.empty();
  if (!accessLog_ && !toGroup) return reply;
  const auto& res = reply.response;
  std::optional<boost::json::object> context;  // the whole $context, built only for what is not below
  auto value = [&](AccessLogVariable variable, std::string_view path, std::string& out) -> bool {
    using V = AccessLogVariable;
    switch (variable) {
      case V::kRequestId:
        return out += ctx.requestId, true;
      case V::kExtendedRequestId:
        return out += ctx.apigwId, true;
      case V::kSourceIp:
        return out += ctx.conn.peerAddress, true;
      case V::kHttpMethod:
        return out += ctx.request.method_string(), true;
      case V::kResourcePath:
        return ctx.match.method && (out += ctx.match.method->resourcePath, true);
      case V::kProtocol:
        return out += "HTTP/1.1", true;
      case V::kStage:
        return out += ctx.stage->stageName, true;
      case V::kApiId:
        return out += ctx.stage->apiId, true;
      case V::kIsCanaryRequest:
        return out += ctx.stage->isCanary ? "true" : "false", true;
      case V::kStatus:
        return out += std::to_string(res.result_int()), true;
      case V::kRequestTime:
        return appendRequestTime(ctx.receivedAt, out), true;
      case V::kRequestTimeEpoch: {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.receivedAt.time_since_epoch());
        return out += std::to_string(ms.count()), true;
      }
      case V::kResponseLength:
        if (auto length = res.find(boost::beast::http::field::content_length); length != res.end()) {
          return out += length->value(), true;
        }
        return !reply.rest && (out += std::to_string(res.body().size()), true);
      case V::kResponseLatency: {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - ctx.receivedAt);
        return out += std::to_string(ms.count()), true;
      }
      case V::kCaller:
      case V::kUser:
        if (ctx.identity.empty()) return false;
        break;
      case V::kOther:
        break;
    }
    if (!context) context = buildTemplateContext(ctx);
    return AccessLogFormat::appendFrom(*context, path, out);
  };
  thread_local std::string line;  // this worker's, reused: no allocation per request
  line.clear();
  ctx.stage->accessLog->renderInto(value, line);
  if (toGroup) {
    logGroups_->append(ctx.stage->accessLogGroup, logStream_, {{epochMs(clock_.now()), "", line}});
  }
  if (accessLog_) accessLog_->write(line);
  return reply;
}

void DataPlaneHandler::writeExecutionLog(const RequestContext& ctx, const ExecutionLog& log, unsigned status) const {
  const MethodLogLevel level = ctx.match.method->logLevel;
  if (level == MethodLogLevel::kError && status < 400) return;
  const std::int64_t now = epochMs(clock_.now());
  const std::string prefix = "(" + ctx.requestId + ") ";
  std::vector<LogGroupEvent> events;
  if (level == MethodLogLevel::kInfo) events.push_back({now, "", prefix + "Extended Request Id: " + ctx.apigwId});
  for (const auto& line : log.lines()) {
    if (level == MethodLogLevel::kError && !isErrorLine(line)) continue;
    if (!ctx.match.method->dataTrace && isDataLine(line)) continue;
    events.push_back({now, "", prefix + line});
  }
  logGroups_->append(ctx.stage->executionLogGroup, logStream_, std::move(events));
}

boost::asio::awaitable<http::Reply> DataPlaneHandler::handle(http::Request& req, const http::ConnectionInfo& conn) {
  dropConsoleCookie(req);
  IdGenerator& ids = *ids_[conn.workerIndex % ids_.size()];
  std::string requestId = ids.uuid();
  std::string apigwId = ids.alnum(16);
  const GatewayError missingToken{"MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token"};

  std::optional<Address> address;
  const std::string_view host = req[boost::beast::http::field::host];
  if (auto domain = domains_.find(host)) {
    // A custom domain name: its base path mappings say which API and stage; a path none of them
    // covers is API Gateway's 403 "Forbidden" (there is no API to customise it).
    address = domainAddress(*domain, req.target());
    if (!address) co_return forbidden(requestId, apigwId);
  } else {
    address = parseAddress(host, req.target());
  }
  if (address) {
    // Dot segments ("..", "%2e%2e") are resolved before routing, so a {proxy+} value never
    // carries them to a backend that would resolve them outside the integration's prefix.
    auto normal = removeDotSegments(address->path);
    if (!normal) co_return gatewayErrorResponse(missingToken, requestId, apigwId);
    address->path = std::move(*normal);
  }
  std::shared_ptr<const StageSnapshot> stage;
  if (address) stage = registry_.find(address->apiId, address->stage);
  if (!stage) co_return gatewayErrorResponse(missingToken, requestId, apigwId);
  if (stage->canary) stage = chooseRelease(stage, ids.uniform());
  if (address->executeApi && stage->executeApiDisabled) co_return forbidden(requestId, apigwId);
  auto match = route(stage->root, address->path, req.method_string());
  RequestContext ctx{req,
                     conn,
                     std::move(stage),
                     std::move(requestId),
                     std::move(apigwId),
                     std::move(address->path),
                     std::move(address->query),
                     match ? std::move(*match) : RouteMatch{}};
  ctx.receivedAt = clock_.now();
  ctx.customDomain = !address->executeApi;
  ctx.domainPath = std::move(address->domainPath);
  ctx.basePathMatched = std::move(address->basePathMatched);
  if (!ctx.match.method) {
    parseRequestParameters(ctx);  // a customised response may map request headers
    co_return logged(ctx, gatewayErrorResponse(missingToken, ctx));
  }
  std::optional<ExecutionLog> execution;  // the method's execution log, when it keeps one
  if (logGroups_ && ctx.match.method->logLevel != MethodLogLevel::kOff) {
    execution.emplace(ctx.receivedAt);
    ctx.log = &*execution;
  }
  http::Reply reply = co_await pipeline_.run(ctx);
  if (execution) writeExecutionLog(ctx, *execution, reply.response.result_int());
  co_return logged(ctx, std::move(reply));
}

}  // namespace portico::gateway
