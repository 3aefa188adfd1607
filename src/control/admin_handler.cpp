#include "control/admin_handler.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "common/uri_encoding.h"
#include "http/error_responses.h"
#include "store/store.h"

namespace portico::control {
namespace bhttp = boost::beast::http;

struct AdminHandler::Prepared {
  RouteTable::Match match;
  std::vector<std::pair<std::string, std::string>> query;
  std::string path;
};

namespace {

http::Response toResponse(Result<AdminReply>&& reply) {
  if (!reply) return http::errorResponse(reply.error());
  http::Response res{static_cast<bhttp::status>(reply->status), 11};
  if (reply->rawBody) {
    res.set(bhttp::field::content_type, reply->contentType);
    res.body() = std::move(*reply->rawBody);
  } else if (reply->body) {
    res.set(bhttp::field::content_type, reply->contentType);
    res.body() = boost::json::serialize(*reply->body);
  } else if (reply->rest) {
    res.set(bhttp::field::content_type, reply->contentType);
  }
  for (auto& [k, v] : reply->headers) res.set(k, v);
  if (!reply->rest) res.prepare_payload();  // (a body still arriving is framed by the server: chunked)
  return res;
}

/// An AdminReply's shared rest, as the server takes it.
class SharedBody final : public http::BodyStream {
 public:
  explicit SharedBody(std::shared_ptr<http::BodyStream> body) : body_(std::move(body)) {}
  std::optional<std::uint64_t> declaredLength() const override { return body_->declaredLength(); }
  boost::asio::awaitable<boost::system::error_code> next(std::string& out) override { return body_->next(out); }

 private:
  std::shared_ptr<http::BodyStream> body_;
};

ApiError storeFailure(const http::Request& req, std::string_view path, const std::exception& e) {
  spdlog::error("store failure on {} {}: {}", req.method_string(), path, e.what());
  return ApiError{"ServiceUnavailableException", 503, "Storage is unavailable; try again"};
}

/// The AWS service a management request is for, as its credential scope must name it: Lambda's
/// paths start with an API version date, CloudWatch Logs and Certificate Manager calls name
/// Logs_* and CertificateManager.* in X-Amz-Target, CloudWatch's (the query protocol) post a
/// form to the root path.
std::string_view serviceOf(const bhttp::fields& req, std::string_view path) {
  if (auto target = req.find("X-Amz-Target"); target != req.end()) {
    if (target->value().starts_with("Logs_")) return "logs";
    if (target->value().starts_with("CertificateManager.")) return "acm";
  } else if (path == "/" && req[bhttp::field::content_type].starts_with("application/x-www-form-urlencoded")) {
    return "monitoring";
  }
  auto isDigit = [&](std::size_t i) { return i < path.size() && path[i] >= '0' && path[i] <= '9'; };
  if (path.size() > 11 && path[0] == '/' && isDigit(1) && isDigit(2) && isDigit(3) && isDigit(4) && path[5] == '-' &&
      isDigit(6) && isDigit(7) && path[8] == '-' && isDigit(9) && isDigit(10) && path[11] == '/') {
    return "lambda";
  }
  return "apigateway";
}

/// Calls whose body carries function code (a 50 MB zip, base64 in JSON): CreateFunction,
/// UpdateFunctionCode, PublishLayerVersion.
bool uploadsCode(bhttp::verb method, std::string_view path) {
  if (method == bhttp::verb::post && (path == "/2015-03-31/functions" || path == "/2015-03-31/functions/")) return true;
  if (method == bhttp::verb::put && path.starts_with("/2015-03-31/functions/") && path.ends_with("/code")) return true;
  return method == bhttp::verb::post && path.starts_with("/2018-10-31/layers/") && path.ends_with("/versions");
}

}  // namespace

void AdminHandler::stampRequestId(http::Response& res, unsigned workerIndex) const {
  if (res.find(kRequestIdHeader) != res.end()) return;
  res.set(kRequestIdHeader, ids_[workerIndex % ids_.size()]->uuid());
}

http::HeadVerdict AdminHandler::checkHead(const bhttp::request_header<>& head, const http::ConnectionInfo& conn) {
  http::HeadVerdict verdict;
  std::string_view target = head.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (!uploadsCode(head.method(), path)) verdict.bodyLimit = kSmallBodyBytes;
  // Portico's own unsigned paths and the console (cookie sessions) are judged with their body.
  if (path.starts_with("/_portico/") || (console_ && console::ConsoleHandler::owns(path))) return verdict;
  if (metrics_ && MetricsEndpoint::owns(path)) {  // Prometheus scrapes unsigned, and sends no body
    verdict.bodyLimit = 0;
    return verdict;
  }
  if (console_ && head.find(bhttp::field::authorization) == head.end() &&
      head[bhttp::field::cookie].find("portico_console=") != std::string_view::npos) {
    return verdict;
  }
  auth::SigV4Request sreq;
  sreq.method = head.method_string();
  sreq.target = target;
  for (const auto& f : head) sreq.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  sreq.headOnly = true;
  sreq.region = region_;
  sreq.service = serviceOf(head, path);
  auto identity = auth::verifySigV4(sreq, credentials_, clock_, &signingKeys_);
  if (!identity) {
    verdict.reject = http::errorResponse(identity.error());
    stampRequestId(*verdict.reject, conn.workerIndex);
  }
  return verdict;
}

std::variant<http::Response, AdminHandler::Prepared> AdminHandler::prepare(const http::Request& req) const {
  std::string_view target = req.target();
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  if (path == "/_portico/health") {
    return http::jsonResponse(200, R"({"status":"ok"})");
  }
  if (path.starts_with("/_portico/")) {
    for (const auto& endpoint : unsigned_) {
      if (auto res = endpoint(path, query)) return std::move(*res);
    }
  }

  if (console_ && console::ConsoleHandler::owns(path)) return console_->handle(req, path);
  if (metrics_ && MetricsEndpoint::owns(path)) return metrics_->answer(req);
  // The console's calls carry its session cookie (and CSRF token) instead of a signature.
  std::optional<Result<std::string>> consoleUser;
  if (console_ && req.find(bhttp::field::authorization) == req.end()) consoleUser = console_->authenticate(req);
  if (consoleUser) {
    if (!*consoleUser) return http::errorResponse(consoleUser->error());
  } else {
    auth::SigV4Request sreq;
    sreq.method = req.method_string();
    sreq.target = target;
    for (const auto& f : req) sreq.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    sreq.body = req.body();
    sreq.service = serviceOf(req, path);
    sreq.region = region_;
    auto identity = auth::verifySigV4(sreq, credentials_, clock_, &signingKeys_);
    if (!identity) return http::errorResponse(identity.error());
  }

  auto segments = splitPath(path);
  auto match = routes_.match(req.method(), segments);
  if (!match || (!match->op && !match->asyncOp)) {
    return http::errorResponse(404, "UnknownOperationException",
                               "Unknown operation: " + std::string(req.method_string()) + " " + std::string(path));
  }
  return Prepared{std::move(*match), parseQuery(query), std::string(path)};
}

boost::asio::awaitable<http::Reply> AdminHandler::handle(http::Request& req, const http::ConnectionInfo& conn) {
  auto prepared = prepare(req);
  if (auto* res = std::get_if<http::Response>(&prepared)) {
    stampRequestId(*res, conn.workerIndex);
    co_return std::move(*res);
  }
  auto& p = std::get<Prepared>(prepared);
  AdminCall call{req.method(), std::move(p.match.params), std::move(p.query), req.body(), &req.base(), &conn};
  Result<AdminReply> reply = ApiError::internal("not run");
  try {
    // (no co_await inside ?: — GCC 12 miscompiles it)
    if (p.match.asyncOp) {
      reply = co_await (*p.match.asyncOp)(call);
    } else {
      reply = (*p.match.op)(call);
    }
  } catch (const store::StoreError& e) {
    reply = storeFailure(req, p.path, e);
  }
  std::shared_ptr<http::BodyStream> rest = reply ? reply->rest : nullptr;
  http::Reply out(toResponse(std::move(reply)));
  stampRequestId(out.response, conn.workerIndex);
  if (rest) out.rest = std::make_unique<SharedBody>(std::move(rest));
  co_return out;
}

http::Response AdminHandler::handleSync(const http::Request& req) const {
  auto prepared = prepare(req);
  if (auto* res = std::get_if<http::Response>(&prepared)) {
    stampRequestId(*res, 0);
    return std::move(*res);
  }
  auto& p = std::get<Prepared>(prepared);
  if (!p.match.op) {
    auto res = http::errorResponse(ApiError::internal("asynchronous operation called synchronously"));
    stampRequestId(res, 0);
    return res;
  }
  AdminCall call{req.method(), std::move(p.match.params), std::move(p.query), req.body(), &req.base()};
  Result<AdminReply> reply = ApiError::internal("not run");
  try {
    reply = (*p.match.op)(call);
  } catch (const store::StoreError& e) {
    reply = storeFailure(req, p.path, e);
  }
  auto res = toResponse(std::move(reply));
  stampRequestId(res, 0);
  return res;
}

}  // namespace portico::control
