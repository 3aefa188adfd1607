// FunctionGrants: what Portico deliberately gives every function beyond its own sandbox, as Lambda
// gives each environment its role's credentials and the SDKs' endpoints:
//
// - credentials (CredentialIssuer): per environment, the keys its SDK signs with
//   (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN): the keys configured for the
//   function's role, else temporary ones Portico mints and its management API accepts until they
//   expire; an environment is not reused past its credentials' expiry.
// - forwards: host addresses (Portico's management listener, AWS endpoints on the host's
//   loopback) relayed into each environment's own network namespace at 127.0.0.1:insidePort, the
//   only way a function reaches them (the host's loopback is otherwise unreachable from inside).
// - environment: the endpoint variables (AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_API_GATEWAY,
//   AWS_ENDPOINT_URL_S3, ...) as seen from inside a namespace, and as seen from the host's network
//   when functions share it (no network namespace: the sandbox says so loudly).
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "functions/function_spec.h"

namespace portico::functions {

struct EnvironmentCredentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // empty for long-term keys
  /// Minted keys expire (the environment is retired before); configured keys do not.
  std::optional<std::chrono::system_clock::time_point> expiresAt;
};

/// Thread-safe: environments start on every loop.
class CredentialIssuer {
 public:
  virtual ~CredentialIssuer() = default;
  /// The keys for a new environment of `spec`, or nullopt when there are none to give.
  virtual std::optional<EnvironmentCredentials> issue(const FunctionSpec& spec) = 0;
  /// The environment that held `credentials` ended.
  virtual void revoke(const EnvironmentCredentials& credentials) = 0;
};

/// A host TCP address relayed into each environment's namespace at 127.0.0.1:insidePort.
struct HostForward {
  unsigned short insidePort = 0;
  std::string targetHost;  // numeric IPv4/IPv6 address Portico connects to
  unsigned short targetPort = 0;
};

struct FunctionGrants {
  CredentialIssuer* credentials = nullptr;               // borrowed; null: no credentials given
  std::vector<HostForward> forwards;                     // the sandbox opens these ports inside, in this order
  std::map<std::string, std::string> environmentInside;  // endpoint variables, namespace form
  std::map<std::string, std::string> environmentOnHost;  // the same, for functions on the host's network
};

/// The inside ports of `grants.forwards`, in order (what the sandbox listens on inside).
inline std::vector<unsigned short> forwardPorts(const FunctionGrants& grants) {
  std::vector<unsigned short> out;
  for (const auto& f : grants.forwards) out.push_back(f.insidePort);
  return out;
}

}  // namespace portico::functions
