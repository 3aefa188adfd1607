// Function URLs on the management side (function_urls_api.cpp): what the function and alias
// operations need of them.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {

/// "http://<url-id>.lambda-url.<region>.localhost:<data port>/": where the data listener serves it.
std::string functionUrl(const LambdaContext& ctx, const std::string& urlId);

/// Removes the function's URL configurations (only the one of `qualifier`, "" for $LATEST, when
/// given) from the store and from its document `doc` (which the caller saves). Call under ctx.mu.
void deleteFunctionUrls(LambdaContext& ctx, boost::json::object& doc,
                        std::optional<std::string_view> qualifier = std::nullopt);

}  // namespace portico::control::lambda
