#include "function_urls/url_event.h"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <ctime>
#include <map>

#include "common/base64.h"
#include "common/uri_encoding.h"

namespace portico::function_urls {
namespace bj = boost::json;
namespace http_ = boost::beast::http;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

/// "12/Mar/2020:19:03:58 +0000", as requestContext.time has it.
std::string clfTime(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  return std::string(buf, n);
}

/// Cookies of every Cookie line, one per entry.
bj::array cookiesOf(const http::Request& req) {
  bj::array out;
  auto [first, last] = req.equal_range(http_::field::cookie);
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view cookie = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!cookie.empty() && cookie.front() == ' ') cookie.remove_prefix(1);
      while (!cookie.empty() && cookie.back() == ' ') cookie.remove_suffix(1);
      if (!cookie.empty()) out.emplace_back(cookie);
    }
  }
  return out;
}

/// An HTTP token (RFC 9110): what a header name may hold.
bool validHeaderName(std::string_view name) {
  if (name.empty() || name.size() > 1024) return false;
  return std::ranges::all_of(name, [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

}  // namespace

bool isTextContentType(std::string_view contentType) {
  std::string type = lower(contentType.substr(0, contentType.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type.starts_with("text/")) return true;
  for (std::string_view t :
       {"application/json", "application/javascript", "application/xml", "application/yaml", "application/graphql"}) {
    if (type == t) return true;
  }
  return type.ends_with("+json") || type.ends_with("+xml");
}

std::string urlEvent(const http::Request& req, const UrlRequestFacts& facts) {
  bj::object headers;
  for (const auto& field : req) {
    if (field.name() == http_::field::cookie) continue;
    std::string name = lower(field.name_string());
    bj::value& slot = headers[name];
    if (slot.is_string()) {
      std::string joined = std::string(slot.get_string()) + "," + std::string(field.value());
      slot = joined;
    } else {
      slot = std::string(field.value());
    }
  }
  // What Lambda's front end adds.
  headers["x-forwarded-proto"] = facts.tls ? "https" : "http";
  if (!facts.port.empty()) headers["x-forwarded-port"] = facts.port;
  if (const bj::value* f = headers.if_contains("x-forwarded-for"); f && f->is_string()) {
    headers["x-forwarded-for"] = std::string(f->get_string()) + ", " + facts.sourceIp;
  } else {
    headers["x-forwarded-for"] = facts.sourceIp;
  }

  bj::object http{{"method", std::string(req.method_string())},
                  {"path", facts.rawPath},
                  {"protocol", "HTTP/1.1"},
                  {"sourceIp", facts.sourceIp},
                  {"userAgent", std::string(req[http_::field::user_agent])}};
  const auto epochMs = std::chrono::duration_cast<std::chrono::milliseconds>(facts.time.time_since_epoch()).count();
  bj::object context{{"accountId", facts.caller ? facts.caller->accountId : std::string("anonymous")},
                     {"apiId", facts.urlId},
                     {"domainName", facts.domainName},
                     {"domainPrefix", facts.urlId},
                     {"http", std::move(http)},
                     {"requestId", facts.requestId},
                     {"routeKey", "$default"},
                     {"stage", "$default"},
                     {"time", clfTime(facts.time)},
                     {"timeEpoch", epochMs}};
  if (facts.caller) {
    const std::string arn = "arn:aws:iam::" + facts.caller->accountId + ":user/" + facts.caller->accessKey;
    context["authorizer"] = bj::object{{"iam", bj::object{{"accessKey", facts.caller->accessKey},
                                                          {"accountId", facts.caller->accountId},
                                                          {"callerId", facts.caller->accessKey},
                                                          {"cognitoIdentity", nullptr},
                                                          {"principalOrgId", nullptr},
                                                          {"userArn", arn},
                                                          {"userId", facts.caller->accessKey}}}};
  }
  bj::object event{{"version", "2.0"},
                   {"routeKey", "$default"},
                   {"rawPath", facts.rawPath},
                   {"rawQueryString", facts.rawQuery},
                   {"headers", std::move(headers)}};
  if (bj::array cookies = cookiesOf(req); !cookies.empty()) event["cookies"] = std::move(cookies);
  if (!facts.rawQuery.empty()) {
    bj::object params;
    for (auto& [k, v] : parseQuery(facts.rawQuery)) {
      bj::value& slot = params[k];
      if (slot.is_string()) {
        std::string joined = std::string(slot.get_string()) + "," + v;
        slot = joined;
      } else {
        slot = v;
      }
    }
    event["queryStringParameters"] = std::move(params);
  }
  event["requestContext"] = std::move(context);
  const bool text = isTextContentType(req[http_::field::content_type]);
  if (!req.body().empty()) event["body"] = text ? req.body() : base64Encode(req.body());
  event["isBase64Encoded"] = !req.body().empty() && !text;
  return bj::serialize(event);
}

std::optional<http::Response> urlResponse(std::string_view payload) {
  http::Response res{http_::status::ok, 11};
  boost::system::error_code ec;
  bj::value parsed = bj::parse(payload, ec);
  const bj::object* o = !ec && parsed.is_object() ? &parsed.get_object() : nullptr;
  if (!o || !o->contains("statusCode")) {
    // Not a response object: the answer is the body (a JSON string: its text).
    res.set(http_::field::content_type, "application/json");
    if (!ec && parsed.is_string()) {
      res.body() = std::string(parsed.get_string());
    } else {
      res.body() = std::string(payload);
    }
    res.prepare_payload();
    return res;
  }
  const bj::value& status = o->at("statusCode");
  std::int64_t code = 0;
  if (status.is_int64()) {
    code = status.get_int64();
  } else if (status.is_uint64()) {
    code = static_cast<std::int64_t>(status.get_uint64());
  } else {
    return std::nullopt;
  }
  if (code < 100 || code > 599) return std::nullopt;
  res.result(static_cast<unsigned>(code));
  if (const bj::value* h = o->if_contains("headers"); h && h->is_object()) {
    for (const auto& [name, value] : h->get_object()) {
      if (!validHeaderName(name)) return std::nullopt;
      std::string v;
      if (value.is_string()) {
        v = std::string(value.get_string());
      } else if (value.is_number() || value.is_bool()) {
        v = bj::serialize(value);
      } else {
        continue;
      }
      if (v.find_first_of("\r\n") != std::string::npos) return std::nullopt;
      res.set(std::string_view(name), v);
    }
  }
  if (const bj::value* c = o->if_contains("cookies"); c && c->is_array()) {
    for (const auto& cookie : c->get_array()) {
      if (!cookie.is_string()) continue;
      if (std::string_view(cookie.get_string()).find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
      res.insert(http_::field::set_cookie, std::string_view(cookie.get_string()));
    }
  }
  std::string body;
  if (const bj::value* b = o->if_contains("body"); b && b->is_string()) body = std::string(b->get_string());
  if (const bj::value* b64 = o->if_contains("isBase64Encoded"); b64 && b64->is_bool() && b64->get_bool()) {
    auto decoded = base64Decode(body);
    if (!decoded) return std::nullopt;
    body = std::move(*decoded);
  }
  if (res.find(http_::field::content_type) == res.end()) res.set(http_::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace portico::function_urls
