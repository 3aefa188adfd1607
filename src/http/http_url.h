// parseHttpUrl: the parts of an "http(s)://host[:port]/path?query" endpoint that a request needs,
// split without a general URI parser (it runs for every HTTP integration request; the URI was
// validated when the integration was put, and placeholders were substituted since).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace portico::http {

struct HttpUrl {
  bool tls = false;          // https
  std::string host;          // without brackets for IPv6
  unsigned short port = 80;  // 443 for https unless given
  std::string hostHeader;    // as written: "h", "h:8080", "[::1]:8080"
  std::string target;        // "/path?query" ("/" when empty); no fragment
};

/// nullopt unless the scheme is http or https (any case) with a non-empty host, no user info, and a valid port.
std::optional<HttpUrl> parseHttpUrl(std::string_view url);

}  // namespace portico::http
