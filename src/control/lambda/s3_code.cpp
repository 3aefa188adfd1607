#include "control/lambda/s3_code.h"

#include <spdlog/spdlog.h>

#include "aws/aws_client.h"
#include "aws/aws_credentials.h"
#include "common/base64.h"
#include "common/json_util.h"
#include "common/uri_encoding.h"

namespace portico::control::lambda {
namespace {

/// The text of <tag>…</tag> in an S3 XML error, or "".
std::string xmlField(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  open += tag.size() + 2;
  auto close = xml.find("</" + tag + ">", open);
  return close == std::string::npos ? "" : xml.substr(open, std::min<std::size_t>(close - open, 500));
}

ApiError getObjectError(const std::string& code, const std::string& message) {
  return invalidParameter("Error occurred while GetObject. S3 Error Code: " + code + ". S3 Error Message: " + message);
}

}  // namespace

boost::asio::awaitable<Status> inlineS3Code(const LambdaContext& ctx, boost::json::object& code,
                                            const std::string& roleArn, unsigned workerIndex) {
  if (!code.contains("S3Bucket") && !code.contains("S3Key")) co_return Ok{};
  const std::string bucket = json::strOr(code, "S3Bucket", ""), key = json::strOr(code, "S3Key", "");
  if (bucket.empty() || key.empty()) co_return invalidParameter("Both S3Bucket and S3Key are required for S3 code");
  if (code.contains("ZipFile")) {
    co_return invalidParameter("Please do not provide other FunctionCode parameters when providing S3 code");
  }
  if (!ctx.aws || !ctx.awsCredentials) co_return invalidParameter("Portico has no S3 client configured");
  auto credentials = ctx.awsCredentials->forRole(roleArn);
  if (!credentials) {
    co_return getObjectError("AccessDenied",
                             "Portico has no AWS credentials to read it with: map the function's role with "
                             "--aws-role-credentials or give it default credentials");
  }
  aws::AwsCall call;
  call.service = "s3";
  call.region = ctx.region;
  call.subdomain = bucket;
  call.method = "GET";
  call.path = "/" + percentEncode(key, true);
  if (auto version = json::str(code, "S3ObjectVersion")) call.query = "versionId=" + percentEncode(*version);
  auto prepared = ctx.aws->prepare(std::move(call), *credentials);
  if (!prepared) co_return prepared.takeError();
  auto outcome = co_await ctx.aws->send(*prepared, workerIndex, std::chrono::seconds(60), kMaxS3CodeBytes);
  if (!outcome) {
    spdlog::warn("GetObject s3://{}/{}: {}", bucket, key, outcome.error().detail);
    if (outcome.error().kind == http::UpstreamErrorKind::kTooLarge) {
      co_return invalidParameter("Unzipped size must be smaller than 262144000 bytes");
    }
    co_return ApiError{"ServiceException", 500, "Lambda could not reach S3 to read s3://" + bucket + "/" + key};
  }
  const http::Response& res = outcome->response;
  if (res.result_int() != 200) {
    std::string s3Code = xmlField(res.body(), "Code"), message = xmlField(res.body(), "Message");
    if (s3Code.empty()) s3Code = std::to_string(res.result_int());
    co_return getObjectError(s3Code, message.empty() ? std::string(res.reason()) : message);
  }
  code.erase("S3Bucket");
  code.erase("S3Key");
  code.erase("S3ObjectVersion");
  code["ZipFile"] = base64Encode(res.body());
  co_return Ok{};
}

}  // namespace portico::control::lambda
