// FunctionConfiguration: building and validating Lambda's FunctionConfiguration
// document from CreateFunction / UpdateFunctionConfiguration bodies.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
#pragma once
#include <boost/json/object.hpp>

#include "common/result.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {

/// Applies the configuration fields present in `body` (Runtime, Role, Handler, Description,
/// Timeout, MemorySize, Environment, Architectures, ...) to `config`, validating each as AWS does.
Status applyConfiguration(boost::json::object& config, const boost::json::object& body, bool creating);

/// The ZipFile of a Code (or UpdateFunctionCode) body, decoded, stored and unpacked; S3 and
/// image sources are refused. Sets CodeSha256/CodeSize on config and returns the store key.
Result<std::string> storeZip(LambdaContext& ctx, boost::json::object& config, const boost::json::object& code);

/// Marks a configuration changed: new RevisionId and LastModified.
void touch(LambdaContext& ctx, boost::json::object& config);

/// The configuration as returned to clients (state fields filled in).
boost::json::object publicConfiguration(const LambdaContext& ctx, const boost::json::object& config);
/// $LATEST's configuration where Lambda names it by its qualified ARN ("...:function:f:$LATEST":
/// ListVersionsByFunction, ListFunctions with FunctionVersion=ALL, GetFunction with Qualifier=$LATEST).
boost::json::object latestConfiguration(const LambdaContext& ctx, const boost::json::object& config);

}  // namespace portico::control::lambda
