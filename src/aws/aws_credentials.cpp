#include "aws/aws_credentials.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace portico::aws {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r";
  s.remove_prefix(std::min(s.find_first_not_of(kSpace), s.size()));
  s.remove_suffix(s.size() - (s.find_last_not_of(kSpace) + 1));
  return s;
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;) out.push_back(std::move(w));
  return out;
}

/// The file's text, or an error; nullopt when it does not exist and `optional`.
Result<std::optional<std::string>> readSmall(const std::filesystem::path& path, bool optional) {
  std::error_code ec;
  if (optional && !std::filesystem::exists(path, ec)) return std::optional<std::string>{};
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return ApiError::badRequest("cannot read " + path.string() + ": " + ec.message());
  if (size > AwsCredentialChain::kMaxFileBytes) {
    return ApiError::badRequest(path.string() + " is larger than 1 MB");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return ApiError::badRequest("cannot read " + path.string());
  return std::optional<std::string>(text.str());
}

/// The [profile] section's keys of an AWS shared credentials file.
std::optional<auth::AwsCredentials> profileOf(std::string_view text, std::string_view profile) {
  std::map<std::string, std::string, std::less<>> keys;
  bool inProfile = false;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inProfile = trim(line.substr(1, line.size() - 2)) == profile;
      continue;
    }
    auto eq = line.find('=');
    if (inProfile && eq != std::string_view::npos) {
      keys[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
    }
  }
  auto id = keys.find("aws_access_key_id"), secret = keys.find("aws_secret_access_key");
  if (id == keys.end() || secret == keys.end() || id->second.empty()) return std::nullopt;
  auto token = keys.find("aws_session_token");
  return auth::AwsCredentials{id->second, secret->second, token == keys.end() ? "" : token->second};
}

std::string envOr(const Environment& env, std::string_view name, std::string fallback) {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

Result<AwsCredentialChain> AwsCredentialChain::load(const std::filesystem::path& roleFile, const Environment& env) {
  AwsCredentialChain out;
  if (!roleFile.empty()) {
    auto text = readSmall(roleFile, false);
    if (!text) return text.takeError();
    std::istringstream lines(**text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      std::string_view t = trim(line);
      if (t.empty() || t.front() == '#') continue;
      auto w = words(t);
      if (w.size() < 3 || w.size() > 4 || !w[0].starts_with("arn:")) {
        return ApiError::badRequest(roleFile.string() + " line " + std::to_string(number) +
                                    ": expected ROLE_ARN KEY_ID SECRET [TOKEN]");
      }
      out.roles_[w[0]] = auth::AwsCredentials{w[1], w[2], w.size() == 4 ? w[3] : ""};
    }
  }
  const std::string id = envOr(env, "AWS_ACCESS_KEY_ID", ""), secret = envOr(env, "AWS_SECRET_ACCESS_KEY", "");
  if (!id.empty() && !secret.empty()) {
    out.defaults_ = auth::AwsCredentials{id, secret, envOr(env, "AWS_SESSION_TOKEN", "")};
    out.defaultsSource_ = "environment";
    return out;
  }
  std::filesystem::path shared = envOr(env, "AWS_SHARED_CREDENTIALS_FILE", "");
  if (shared.empty()) {
    const std::string home = envOr(env, "HOME", "");
    if (home.empty()) return out;
    shared = std::filesystem::path(home) / ".aws" / "credentials";
  }
  auto text = readSmall(shared, true);
  if (!text) return text.takeError();
  if (!*text) return out;
  const std::string profile = envOr(env, "AWS_PROFILE", "default");
  out.defaults_ = profileOf(**text, profile);
  if (out.defaults_) out.defaultsSource_ = shared.string() + " [" + profile + "]";
  return out;
}

std::optional<auth::AwsCredentials> AwsCredentialChain::forRole(std::string_view roleArn) const {
  if (auto it = roles_.find(roleArn); it != roles_.end()) return it->second;
  return defaults_;
}

}  // namespace portico::aws
