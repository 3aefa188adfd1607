#include "app/function_access.h"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>
#include <exception>

#include "app/serve_options.h"

namespace portico::app {
namespace {

/// The management listener's address as Listeners report it ("HOST:PORT", "[V6]:PORT"); the
/// unspecified address is reached at the loopback.
std::optional<HostPort> connectable(const std::string& hostPort) {
  HostPort address;
  try {
    address = parseHostPort(hostPort, "--admin-listen");
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (address.port == 0) return std::nullopt;
  if (address.host == "0.0.0.0") address.host = "127.0.0.1";
  if (address.host == "::") address.host = "::1";
  return address;
}

bool onHostLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace

std::optional<functions::EnvironmentCredentials> FunctionCredentialIssuer::issue(const functions::FunctionSpec& spec) {
  if (!spec.role.empty() && roles_.hasRole(spec.role)) {
    auto keys = roles_.forRole(spec.role);
    if (keys)
      return functions::EnvironmentCredentials{keys->accessKeyId, keys->secretAccessKey, keys->sessionToken, {}};
  }
  auto minted = minted_.mint(lifetime_);
  if (!minted) {
    spdlog::warn("function {}: no temporary credentials left to mint; its environment gets none", spec.name);
    return std::nullopt;
  }
  return functions::EnvironmentCredentials{minted->accessKeyId, minted->secretAccessKey, minted->sessionToken,
                                           minted->expiresAt};
}

void FunctionCredentialIssuer::revoke(const functions::EnvironmentCredentials& credentials) {
  if (credentials.expiresAt) minted_.revoke(credentials.accessKeyId);  // configured keys are not ours
}

functions::FunctionGrants functionGrants(const std::string& managementAddress, const aws::AwsEndpoints& endpoints,
                                         functions::CredentialIssuer* credentials) {
  functions::FunctionGrants grants;
  grants.credentials = credentials;
  if (auto admin = connectable(managementAddress)) {
    grants.forwards.push_back({kManagementInsidePort, admin->host, admin->port});
    const std::string inside = "http://127.0.0.1:" + std::to_string(kManagementInsidePort);
    const std::string host = "http://" +
                             (admin->host.find(':') != std::string::npos ? "[" + admin->host + "]" : admin->host) +
                             ":" + std::to_string(admin->port);
    for (const char* sdkId : {"LAMBDA", "API_GATEWAY", "ACM", "CLOUDWATCH_LOGS"}) {
      grants.environmentInside[std::string("AWS_ENDPOINT_URL_") + sdkId] = inside;
      grants.environmentOnHost[std::string("AWS_ENDPOINT_URL_") + sdkId] = host;
    }
  }
  unsigned short next = kFirstEndpointInsidePort;
  for (const auto& [service, url] : endpoints.overrides()) {
    const std::string name = "AWS_ENDPOINT_URL_" + aws::sdkServiceId(service);
    grants.environmentOnHost[name] = url;
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) continue;
    std::string host(parsed->host());
    if (!onHostLoopback(host)) {
      grants.environmentInside[name] = url;  // reached like any outside address
      continue;
    }
    if (host == "localhost") host = "127.0.0.1";
    if (host == "[::1]") host = "::1";
    unsigned short port = parsed->has_port() ? parsed->port_number() : (parsed->scheme() == "https" ? 443 : 80);
    if (port == 0) {
      spdlog::warn("the {} endpoint {} names no usable port: not forwarded to functions", service, url);
      grants.environmentInside.erase(name);
      continue;
    }
    grants.forwards.push_back({next, host, port});
    grants.environmentInside[name] =
        std::string(parsed->scheme()) + "://127.0.0.1:" + std::to_string(next) + std::string(parsed->encoded_path());
    ++next;
  }
  return grants;
}

}  // namespace portico::app
