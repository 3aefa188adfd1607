#include "function_urls/url_cors.h"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <string>
#include <vector>

namespace portico::function_urls {
namespace http_ = boost::beast::http;

namespace {

bool contains(const std::vector<std::string>& list, std::string_view value, bool ignoreCase) {
  return std::ranges::any_of(list, [&](const std::string& item) {
    return item == "*" || (ignoreCase ? boost::algorithm::iequals(item, value) : item == value);
  });
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& item : list) out += (out.empty() ? "" : ",") + item;
  return out;
}

/// The Access-Control-Allow-Origin value for `origin`, or "" when it is not allowed.
std::string allowedOrigin(const UrlCors& cors, std::string_view origin) {
  if (origin.empty()) return "";
  for (const auto& allowed : cors.allowOrigins) {
    if (allowed == "*") return cors.allowCredentials ? std::string(origin) : "*";
    if (boost::algorithm::iequals(allowed, origin)) return std::string(origin);
  }
  return "";
}

/// Each name of a comma-separated header list, trimmed.
std::vector<std::string> names(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!name.empty()) out.emplace_back(name);
  }
  return out;
}

void removeCorsHeaders(http::Response& res) {
  std::vector<std::string> drop;
  for (const auto& field : res) {
    if (boost::algorithm::istarts_with(field.name_string(), "access-control-")) drop.emplace_back(field.name_string());
  }
  for (const auto& name : drop) res.erase(name);
}

}  // namespace

bool isPreflight(const http::Request& req) {
  return req.method() == http_::verb::options && req.find(http_::field::origin) != req.end() &&
         req.find(http_::field::access_control_request_method) != req.end();
}

http::Response preflightResponse(const UrlCors& cors, const http::Request& req) {
  http::Response res{http_::status::ok, 11};
  const std::string origin = allowedOrigin(cors, req[http_::field::origin]);
  const std::string_view method = req[http_::field::access_control_request_method];
  const std::vector<std::string> asked = names(req[http_::field::access_control_request_headers]);
  const bool methodAllowed = contains(cors.allowMethods, method, false);
  const bool headersAllowed =
      std::ranges::all_of(asked, [&](const std::string& h) { return contains(cors.allowHeaders, h, true); });
  if (!origin.empty() && methodAllowed && headersAllowed) {
    res.set(http_::field::access_control_allow_origin, origin);
    res.set(http_::field::access_control_allow_methods, joined(cors.allowMethods));
    if (!cors.allowHeaders.empty()) res.set(http_::field::access_control_allow_headers, joined(cors.allowHeaders));
    if (!cors.exposeHeaders.empty()) res.set(http_::field::access_control_expose_headers, joined(cors.exposeHeaders));
    if (cors.allowCredentials) res.set(http_::field::access_control_allow_credentials, "true");
    if (cors.maxAge) res.set(http_::field::access_control_max_age, std::to_string(*cors.maxAge));
  }
  res.set(http_::field::vary, "Origin");
  res.prepare_payload();
  return res;
}

void applyCors(const UrlCors& cors, const http::Request& req, http::Response& res) {
  removeCorsHeaders(res);
  const std::string origin = allowedOrigin(cors, req[http_::field::origin]);
  if (origin.empty()) return;
  res.set(http_::field::access_control_allow_origin, origin);
  if (!cors.exposeHeaders.empty()) res.set(http_::field::access_control_expose_headers, joined(cors.exposeHeaders));
  if (cors.allowCredentials) res.set(http_::field::access_control_allow_credentials, "true");
  res.set(http_::field::vary, "Origin");
}

}  // namespace portico::function_urls
