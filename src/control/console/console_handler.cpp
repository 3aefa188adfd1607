#include "control/console/console_handler.h"

#include <boost/json.hpp>

#include "common/digest.h"
#include "common/json_util.h"
#include "http/error_responses.h"

namespace portico::control::console {
namespace bhttp = boost::beast::http;
namespace bj = boost::json;
namespace {

const ApiError kNotLoggedIn{"UnrecognizedClientException", 401, "Not logged in, or the session has expired"};
const ApiError kBadCsrf{"AccessDeniedException", 403, "Missing or invalid X-Portico-Csrf header"};

std::string cookie(std::string_view value, long maxAgeSeconds) {
  return std::string(ConsoleSessions::kCookie) + "=" + std::string(value) +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(maxAgeSeconds);
}

/// A browser's Origin, when sent, must be this server (login CSRF, cross-site form posts).
bool sameOrigin(const http::Request& req) {
  auto origin = req[bhttp::field::origin];
  if (origin.empty()) return true;
  std::string_view host = req[bhttp::field::host];
  return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
}

std::optional<Session> sessionOf(const ConsoleSessions& sessions, const http::Request& req) {
  auto token = cookieValue(req[bhttp::field::cookie], ConsoleSessions::kCookie);
  if (!token) return std::nullopt;
  return sessions.verify(*token);
}

bool csrfMatches(const Session& s, const http::Request& req) {
  return constantTimeEquals(s.csrfToken, req[ConsoleHandler::kCsrfHeader]);
}

}  // namespace

http::Response ConsoleHandler::sessionReply(const Session& s) const {
  bj::object body{{"accessKeyId", s.accessKeyId},
                  {"csrfToken", s.csrfToken},
                  {"region", info_.region},
                  {"accountId", info_.accountId},
                  {"dataPlaneUrl", info_.dataPlaneUrl},
                  {"expires", std::chrono::duration_cast<std::chrono::seconds>(s.expires.time_since_epoch()).count()}};
  http::Response res = http::jsonResponse(200, bj::serialize(body));
  res.set(bhttp::field::cache_control, "no-store");
  return res;
}

http::Response ConsoleHandler::login(const http::Request& req) const {
  if (!sameOrigin(req)) return http::errorResponse(kBadCsrf);
  auto body = json::parseObject(req.body());
  if (!body)
    return http::errorResponse(400, "BadRequestException", "Expected a JSON object {accessKeyId, secretAccessKey}");
  auto keyId = json::str(*body, "accessKeyId");
  auto secret = json::str(*body, "secretAccessKey");
  if (!keyId || !secret || keyId->empty()) {
    return http::errorResponse(400, "BadRequestException", "accessKeyId and secretAccessKey are required");
  }
  auto session = sessions_.login(*keyId, *secret);
  if (!session) {
    return http::errorResponse(401, "UnrecognizedClientException", "The access key id or secret access key is wrong");
  }
  http::Response res = sessionReply(*session);
  res.set(bhttp::field::set_cookie,
          cookie(session->token, std::chrono::duration_cast<std::chrono::seconds>(ConsoleSessions::kLifetime).count()));
  res.prepare_payload();
  return res;
}

http::Response ConsoleHandler::handle(const http::Request& req, std::string_view path) const {
  constexpr std::string_view kApi = "/console/api/";
  if (!path.starts_with(kApi)) return assets_.serve(req, path);
  std::string_view op = path.substr(kApi.size());
  if (op == "login" && req.method() == bhttp::verb::post) return login(req);
  if (op == "session" && req.method() == bhttp::verb::get) {
    auto s = sessionOf(sessions_, req);
    if (!s) return http::errorResponse(kNotLoggedIn);
    return sessionReply(*s);
  }
  if (op == "logout" && req.method() == bhttp::verb::post) {
    auto s = sessionOf(sessions_, req);
    if (s && !csrfMatches(*s, req)) return http::errorResponse(kBadCsrf);
    if (s) sessions_.revoke(*s);
    http::Response res{bhttp::status::no_content, 11};
    res.set(bhttp::field::set_cookie, cookie("", 0));
    res.prepare_payload();
    return res;
  }
  return http::errorResponse(
      404, "UnknownOperationException",
      "Unknown console operation: " + std::string(req.method_string()) + " " + std::string(path));
}

std::optional<Result<std::string>> ConsoleHandler::authenticate(const http::Request& req) const {
  auto token = cookieValue(req[bhttp::field::cookie], ConsoleSessions::kCookie);
  if (!token) return std::nullopt;
  auto session = sessions_.verify(*token);
  if (!session) return Result<std::string>(kNotLoggedIn);
  if (!csrfMatches(*session, req) || !sameOrigin(req)) return Result<std::string>(kBadCsrf);
  return Result<std::string>(session->accessKeyId);
}

}  // namespace portico::control::console
