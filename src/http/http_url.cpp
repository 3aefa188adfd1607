#include "http/http_url.h"

#include <boost/beast/core/string.hpp>
#include <charconv>

namespace portico::http {

std::optional<HttpUrl> parseHttpUrl(std::string_view url) {
  constexpr std::string_view kHttp = "http://", kHttps = "https://";
  HttpUrl out;
  if (url.size() >= kHttps.size() && boost::beast::iequals(url.substr(0, kHttps.size()), kHttps)) {
    out.tls = true;
    out.port = 443;
    url.remove_prefix(kHttps.size());
  } else if (url.size() >= kHttp.size() && boost::beast::iequals(url.substr(0, kHttp.size()), kHttp)) {
    url.remove_prefix(kHttp.size());
  } else {
    return std::nullopt;
  }
  if (auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return std::nullopt;  // nothing that could break the request line
  }
  std::size_t end = url.find_first_of("/?");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : url.substr(end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  out.hostHeader = std::string(authority);
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  out.host = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    out.port = static_cast<unsigned short>(value);
  }
  out.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return out;
}

}  // namespace portico::http
