// Function code from S3: CreateFunction's Code.S3Bucket / S3Key / S3ObjectVersion and
// UpdateFunctionCode's S3Bucket / S3Key / S3ObjectVersion (how SAM and the Serverless Framework
// upload), fetched through the AWS client (the configured S3 endpoint, signed with the keys of the
// function's role, else the default chain) and handed on as ZipFile. S3's refusals become
// Lambda's InvalidParameterValueException "Error occurred while GetObject. S3 Error Code: ...".
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "common/result.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {

/// The largest zip fetched from S3 (Lambda's unzipped limit, 250 MB, bounds what it can hold).
inline constexpr std::size_t kMaxS3CodeBytes = 250 * 1024 * 1024;

/// When `code` names an S3 object: fetches it and replaces the S3 fields by ZipFile (base64). A
/// `code` without S3Bucket is left alone. `roleArn` picks the keys. Runs on the caller's loop.
boost::asio::awaitable<Status> inlineS3Code(const LambdaContext& ctx, boost::json::object& code,
                                            const std::string& roleArn, unsigned workerIndex);

}  // namespace portico::control::lambda
