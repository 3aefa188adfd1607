// The keys Portico signs its AWS calls with. An integration's `credentials` role ARN maps to the
// keys configured for that role (--aws-role-credentials FILE: lines `ROLE_ARN KEY_ID SECRET [TOKEN]`,
// '#' comments); without a mapping, the standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or
// ~/.aws/credentials, profile AWS_PROFILE or "default"). Read once at start.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4_signer.h"
#include "aws/aws_endpoints.h"
#include "common/result.h"

namespace portico::aws {

/// The caller-passthrough `credentials` value: the method's own SigV4 caller signs onwards.
inline constexpr std::string_view kCallerCredentials = "arn:aws:iam::*:user/*";

class AwsCredentialChain {
 public:
  /// Bounds: a role file or shared credentials file of at most 1 MB.
  static constexpr std::size_t kMaxFileBytes = 1024 * 1024;

  /// `roleFile` may be empty (no role mappings). A role file that cannot be read or has a malformed
  /// line is a ValidationException naming the line; a missing shared credentials file is no error.
  static Result<AwsCredentialChain> load(const std::filesystem::path& roleFile, const Environment& env);

  /// The keys for an integration's `credentials` (a role ARN, or empty): that role's configured keys,
  /// else the default chain's; nullopt when neither has any.
  std::optional<auth::AwsCredentials> forRole(std::string_view roleArn) const;
  bool hasRole(std::string_view roleArn) const { return roles_.find(roleArn) != roles_.end(); }
  /// The default chain's keys and where they came from ("environment", "~/.aws/credentials [default]").
  const std::optional<auth::AwsCredentials>& defaults() const { return defaults_; }
  const std::string& defaultsSource() const { return defaultsSource_; }

 private:
  std::map<std::string, auth::AwsCredentials, std::less<>> roles_;
  std::optional<auth::AwsCredentials> defaults_;
  std::string defaultsSource_;
};

}  // namespace portico::aws
