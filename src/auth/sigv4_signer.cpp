#include "auth/sigv4_signer.h"

#include <algorithm>
#include <array>

#include "common/digest.h"

namespace portico::auth {
namespace {

using namespace sigv4;  // NOLINT(google-build-using-namespace): the shared canonical form

constexpr std::array<std::string_view, 7> kUnsigned = {
    "authorization", "content-length", "user-agent", "connection", "expect", "transfer-encoding", "x-amzn-trace-id"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c); });
  return out;
}

void replaceHeader(HeaderPairs& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](const auto& h) { return equalsIgnoreCase(h.first, name); });
  headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace

void signRequest(std::string_view method, std::string_view target, HeaderPairs& headers, std::string_view body,
                 const AwsCredentials& credentials, const SignOptions& options) {
  const std::string amzDate = formatIsoBasic(options.time);
  const std::string date = amzDate.substr(0, 8);
  std::string payloadHash = options.unsignedPayload ? std::string(kUnsignedPayload) : sha256Hex(body);
  replaceHeader(headers, "X-Amz-Date", amzDate);
  if (!credentials.sessionToken.empty()) replaceHeader(headers, "X-Amz-Security-Token", credentials.sessionToken);
  if (options.s3 || options.unsignedPayload) replaceHeader(headers, "x-amz-content-sha256", payloadHash);

  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    std::string n = lower(name);
    if (std::find(kUnsigned.begin(), kUnsigned.end(), n) == kUnsigned.end()) names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signedHeaders;
  for (const auto& n : names) {
    if (!signedHeaders.empty()) signedHeaders += ';';
    signedHeaders += n;
  }

  const std::size_t q = target.find('?');
  std::string canonical(method);
  canonical += '\n' + canonicalUri(target.substr(0, q), options.s3) + '\n';
  if (q != std::string_view::npos) canonical += canonicalQuery(target.substr(q + 1));
  canonical += '\n' + canonicalHeaders(headers, signedHeaders) + '\n' + signedHeaders + '\n' + payloadHash;

  const std::string scope =
      date + '/' + std::string(options.region) + '/' + std::string(options.service) + '/' + std::string(kTerminator);
  const std::string stringToSign =
      std::string(kAlgorithm) + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonical);
  const std::string key = deriveSigningKey(credentials.secretAccessKey, date, options.region, options.service);
  replaceHeader(headers, "Authorization",
                std::string(kAlgorithm) + " Credential=" + credentials.accessKeyId + '/' + scope +
                    ", SignedHeaders=" + signedHeaders + ", Signature=" + hexEncode(hmacSha256(key, stringToSign)));
}

std::string redactAuthorization(std::string_view value) {
  constexpr std::size_t kShown = 6;
  if (value.size() <= kShown) return std::string(value.size(), '*');
  return std::string(value.size() - kShown, '*') + std::string(value.substr(value.size() - kShown));
}

}  // namespace portico::auth
