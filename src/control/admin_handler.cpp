#include "control/admin_handler.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "common/uri_encoding.h"
#include "http/error_responses.h"
#include "store/store.h"

namespace portico::control {
namespace bhttp = boost::beast::http;

boost::asio::awaitable<http::Response> AdminHandler::handle(http::Request& req, const http::ConnectionInfo&) {
  co_return handleSync(req);
}

http::Response AdminHandler::handleSync(const http::Request& req) const {
  std::string_view target = req.target();
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  if (path == "/_portico/health") {
    return http::jsonResponse(200, R"({"status":"ok"})");
  }

  SigV4Request sreq;
  sreq.method = req.method_string();
  sreq.target = target;
  for (const auto& f : req) sreq.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  sreq.body = req.body();
  auto identity = verifySigV4(sreq, credentials_, clock_);
  if (!identity) return http::errorResponse(identity.error());

  auto segments = splitPath(path);
  auto match = routes_.match(req.method(), segments);
  if (!match || !match->op) {
    return http::errorResponse(404, "UnknownOperationException",
                               "Unknown operation: " + std::string(req.method_string()) + " " + std::string(path));
  }
  AdminCall call{req.method(), std::move(match->params), parseQuery(query), req.body()};
  Result<AdminReply> reply = ApiError::internal("not run");
  try {
    reply = (*match->op)(call);
  } catch (const store::StoreError& e) {
    spdlog::error("store failure on {} {}: {}", req.method_string(), path, e.what());
    reply = ApiError{"ServiceUnavailableException", 503, "Storage is unavailable; try again"};
  }
  if (!reply) return http::errorResponse(reply.error());
  http::Response res{static_cast<bhttp::status>(reply->status), 11};
  if (reply->body) {
    res.set(bhttp::field::content_type, "application/json");
    res.body() = boost::json::serialize(*reply->body);
  }
  res.prepare_payload();
  return res;
}

}  // namespace portico::control
