// Versions: PublishVersion and ListVersionsByFunction, plus the helpers the function
// and alias operations share. A version is an immutable copy of $LATEST's
// configuration and code. https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
#pragma once
#include <boost/json/object.hpp>
#include <string>

#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {

/// Publishes $LATEST of the function document `doc` (updated in place and saved) as a new
/// version, or returns the latest version when nothing changed since it was published.
/// Returns the version's configuration.
Result<boost::json::object> publishVersion(LambdaContext& ctx, const std::string& name, boost::json::object& doc,
                                           const std::string& description);
/// Deletes one numbered version; refused while an alias points at it.
Status deleteVersion(LambdaContext& ctx, const functions::FunctionRef& ref);
/// The version a qualifier names: "$LATEST", a number, or an alias's FunctionVersion.
Result<std::string> resolveQualifierVersion(LambdaContext& ctx, const functions::FunctionRef& ref);
/// True when the version ("$LATEST" or a number) exists.
bool versionExists(LambdaContext& ctx, const std::string& name, const std::string& version);

}  // namespace portico::control::lambda
