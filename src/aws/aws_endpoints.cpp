#include "aws/aws_endpoints.h"

#include <unistd.h>

#include <array>
#include <utility>

#include "http/http_url.h"

namespace portico::aws {
namespace {

// Endpoint prefixes whose SDK service id is not simply the prefix in capitals.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kServiceIds = {{
    {"states", "SFN"},
    {"apigateway", "API_GATEWAY"},
    {"events", "EVENTBRIDGE"},
    {"logs", "CLOUDWATCH_LOGS"},
    {"monitoring", "CLOUDWATCH"},
    {"secretsmanager", "SECRETS_MANAGER"},
}};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
  return out;
}

/// "DYNAMODB" → "dynamodb", "EXECUTE_API" → "execute-api" (an environment variable's tail).
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c == '_' ? '-' : static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return out;
}

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status checkUrl(std::string_view what, const std::string& url) {
  if (!http::parseHttpUrl(url)) {
    return ApiError::badRequest(std::string(what) + ": '" + url.substr(0, 200) +
                                "' is not an http:// or https:// URL with a host");
  }
  return Ok{};
}

}  // namespace

Environment processEnvironment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::string serviceOfSdkId(std::string_view id) {
  for (const auto& [prefix, sdkId] : kServiceIds) {
    if (sdkId == id) return std::string(prefix);
  }
  return lower(id);
}

std::string sdkServiceId(std::string_view service) {
  for (const auto& [prefix, id] : kServiceIds) {
    if (prefix == service) return std::string(id);
  }
  return upper(service);
}

Result<AwsEndpoints> AwsEndpoints::configure(const std::vector<std::string>& flags, const Environment& env) {
  AwsEndpoints out;
  if (auto g = env.find("AWS_ENDPOINT_URL"); g != env.end() && !g->second.empty()) {
    if (auto s = checkUrl("AWS_ENDPOINT_URL", g->second); !s) return s.takeError();
    out.global_ = trimSlash(g->second);
  }
  // Weakest first, so a stronger source overwrites: AWS_ENDPOINT_URL_<ID>, PORTICO_AWS_ENDPOINT_<SERVICE>, flags.
  constexpr std::string_view kSdk = "AWS_ENDPOINT_URL_", kOurs = "PORTICO_AWS_ENDPOINT_";
  for (auto prefix : {kSdk, kOurs}) {
    for (const auto& [name, value] : env) {
      if (!name.starts_with(prefix) || name.size() == prefix.size() || value.empty()) continue;
      std::string_view id = std::string_view(name).substr(prefix.size());
      if (auto s = checkUrl(name, value); !s) return s.takeError();
      out.overrides_[prefix == kSdk ? serviceOfSdkId(id) : lower(id)] = trimSlash(value);
    }
  }
  for (const auto& flag : flags) {
    auto eq = flag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ApiError::badRequest("--aws-endpoint '" + flag.substr(0, 200) + "': expected SERVICE=URL");
    }
    std::string service = flag.substr(0, eq), url = trimSlash(flag.substr(eq + 1));
    if (auto s = checkUrl("--aws-endpoint " + service, url); !s) return s.takeError();
    out.overrides_[service] = std::move(url);
  }
  return out;
}

Endpoint AwsEndpoints::forService(std::string_view service, std::string_view region) const {
  if (auto it = overrides_.find(service); it != overrides_.end()) return {it->second, false};
  if (global_) return {*global_, false};
  return {"https://" + std::string(service) + "." + std::string(region) + ".amazonaws.com", true};
}

}  // namespace portico::aws
