#include "control/lambda/s3_code.h"

#include <spdlog/spdlog.h>

#include "aws/aws_client.h"
#include "aws/aws_credentials.h"
#include "aws/s3_object.h"
#include "common/base64.h"
#include "common/json_util.h"
#include "common/uri_encoding.h"

namespace portico::control::lambda {
namespace {

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
  const aws::S3Location where{bucket, key, json::strOr(code, "S3ObjectVersion", "")};
  auto got = co_await aws::getS3Object(*ctx.aws, *credentials, ctx.region, where, workerIndex, std::chrono::seconds(60),
                                       kMaxS3CodeBytes);
  if (auto* failure = std::get_if<aws::S3Failure>(&got)) {
    if (failure->tooLarge) co_return invalidParameter("Unzipped size must be smaller than 262144000 bytes");
    if (failure->status == 0) {
      spdlog::warn("GetObject s3://{}/{}: {}", bucket, key, failure->detail);
      co_return ApiError{"ServiceException", 500, "Lambda could not reach S3 to read s3://" + bucket + "/" + key};
    }
    co_return getObjectError(failure->code, failure->message);
  }
  code.erase("S3Bucket");
  code.erase("S3Key");
  code.erase("S3ObjectVersion");
  code["ZipFile"] = base64Encode(std::get<aws::S3Object>(got).body);
  co_return Ok{};
}

}  // namespace portico::control::lambda
