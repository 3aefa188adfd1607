#include "aws/s3_object.h"

#include <algorithm>

#include "common/uri_encoding.h"

namespace portico::aws {
namespace {

/// The text of <tag>…</tag> in an S3 XML error, or "" (at most 500 characters).
std::string xmlField(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  open += tag.size() + 2;
  auto close = xml.find("</" + tag + ">", open);
  return close == std::string::npos ? "" : xml.substr(open, std::min<std::size_t>(close - open, 500));
}

}  // namespace

bool validBucketName(std::string_view name) {
  // S3's rules: 3-63 of [a-z0-9.-], starting and ending with a letter or digit. (The name goes into
  // the URL's host or path: nothing else may reach it.)
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '.' || c == '-'; });
}

std::optional<S3Location> parseS3Uri(std::string_view uri) {
  constexpr std::string_view kScheme = "s3://";
  if (!uri.starts_with(kScheme)) return std::nullopt;
  uri.remove_prefix(kScheme.size());
  auto slash = uri.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 >= uri.size()) return std::nullopt;
  return S3Location{std::string(uri.substr(0, slash)), std::string(uri.substr(slash + 1)), ""};
}

boost::asio::awaitable<std::variant<S3Object, S3Failure>> getS3Object(
    const AwsClient& client, const auth::AwsCredentials& credentials, const std::string& region,
    const S3Location& where, unsigned workerIndex, std::chrono::milliseconds timeout, std::size_t maxBytes) {
  if (!validBucketName(where.bucket)) {
    co_return S3Failure{400, "InvalidBucketName", "The specified bucket is not valid.", false, ""};
  }
  AwsCall call;
  call.service = "s3";
  call.region = region;
  call.subdomain = where.bucket;
  call.method = "GET";
  call.path = "/" + percentEncode(where.key, true);
  if (!where.versionId.empty()) call.query = "versionId=" + percentEncode(where.versionId);
  auto prepared = client.prepare(std::move(call), credentials);
  if (!prepared) co_return S3Failure{0, "", "", false, prepared.error().message};
  auto outcome = co_await client.send(*prepared, workerIndex, timeout, maxBytes);
  if (!outcome) {
    co_return S3Failure{0, "", "", outcome.error().kind == http::UpstreamErrorKind::kTooLarge, outcome.error().detail};
  }
  http::Response& res = outcome->response;
  if (res.result_int() != 200) {
    S3Failure failure{static_cast<int>(res.result_int()), xmlField(res.body(), "Code"), xmlField(res.body(), "Message"),
                      false, ""};
    if (failure.code.empty()) failure.code = std::to_string(res.result_int());
    if (failure.message.empty()) failure.message = std::string(res.reason());
    co_return failure;
  }
  S3Object object;
  if (auto it = res.find("x-amz-version-id"); it != res.end()) object.versionId = std::string(it->value());
  object.body = std::move(res.body());
  co_return object;
}

}  // namespace portico::aws
