// FunctionAccess: what every function is granted (functions/function_grants.h), built from the
// options at start: credentials for each environment (its role's configured keys, else temporary
// keys minted here that the management API accepts until they expire), Portico's management
// listener forwarded into each environment's namespace at 127.0.0.1:9002 for the Lambda, API
// Gateway, ACM and CloudWatch Logs APIs, and each AWS endpoint override on the host's loopback at
// 127.0.0.1:9100 and up; the SDKs' AWS_ENDPOINT_URL_<SERVICE> variables point there.
#pragma once
#include <chrono>
#include <string>

#include "auth/temporary_credentials.h"
#include "aws/aws_credentials.h"
#include "aws/aws_endpoints.h"
#include "functions/function_grants.h"

namespace portico::app {

/// Where Portico's management API listens inside each environment's namespace.
inline constexpr unsigned short kManagementInsidePort = 9002;
/// The first inside port of the forwarded AWS endpoints.
inline constexpr unsigned short kFirstEndpointInsidePort = 9100;

class FunctionCredentialIssuer final : public functions::CredentialIssuer {
 public:
  FunctionCredentialIssuer(auth::TemporaryCredentials& minted, const aws::AwsCredentialChain& roles,
                           std::chrono::seconds lifetime)
      : minted_(minted), roles_(roles), lifetime_(lifetime) {}
  std::optional<functions::EnvironmentCredentials> issue(const functions::FunctionSpec& spec) override;
  void revoke(const functions::EnvironmentCredentials& credentials) override;

 private:
  auth::TemporaryCredentials& minted_;
  const aws::AwsCredentialChain& roles_;
  std::chrono::seconds lifetime_;
};

/// The grants for functions: `managementAddress` is the management listener's "HOST:PORT" as
/// bound (0.0.0.0 / :: are reached at the loopback).
functions::FunctionGrants functionGrants(const std::string& managementAddress, const aws::AwsEndpoints& endpoints,
                                         functions::CredentialIssuer* credentials);

}  // namespace portico::app
