#include "function_urls/url_config.h"

#include <algorithm>
#include <cctype>

namespace portico::function_urls {
namespace bj = boost::json;

namespace {

std::vector<std::string> strings(const bj::object& o, std::string_view key, int caseFold) {
  std::vector<std::string> out;
  const bj::value* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) continue;
    std::string s(item.get_string());
    if (caseFold < 0) std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (caseFold > 0) std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::toupper(c); });
    out.push_back(std::move(s));
  }
  return out;
}

std::string stringOr(const bj::object& o, std::string_view key, std::string_view fallback) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string(fallback);
}

}  // namespace

bool isUrlId(std::string_view id) {
  return id.size() == 32 &&
         std::ranges::all_of(id, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

std::optional<FunctionUrlConfig> parseUrlConfig(std::string_view urlId, const bj::object& doc) {
  FunctionUrlConfig config;
  config.urlId = std::string(urlId);
  config.function = stringOr(doc, "FunctionName", "");
  if (config.function.empty()) return std::nullopt;
  config.qualifier = stringOr(doc, "Qualifier", "");
  config.auth = stringOr(doc, "AuthType", "") == "AWS_IAM" ? UrlAuthType::kAwsIam : UrlAuthType::kNone;
  config.streaming = stringOr(doc, "InvokeMode", "BUFFERED") == "RESPONSE_STREAM";
  if (const bj::value* c = doc.if_contains("Cors"); c && c->is_object()) {
    const bj::object& o = c->get_object();
    UrlCors cors;
    const bj::value* credentials = o.if_contains("AllowCredentials");
    cors.allowCredentials = credentials && credentials->is_bool() && credentials->get_bool();
    cors.allowHeaders = strings(o, "AllowHeaders", -1);
    cors.allowMethods = strings(o, "AllowMethods", 1);
    cors.allowOrigins = strings(o, "AllowOrigins", 0);
    cors.exposeHeaders = strings(o, "ExposeHeaders", 0);
    if (const bj::value* m = o.if_contains("MaxAge"); m && m->is_int64())
      cors.maxAge = static_cast<int>(m->get_int64());
    config.cors = std::move(cors);
  }
  return config;
}

}  // namespace portico::function_urls
