// A function URL's configuration, as the management API stores it and the data plane serves it.
//
//   ("function_url", "", url-id)   {"FunctionName", "Qualifier" ("" for $LATEST), "AuthType",
//                                   "Cors"?, "InvokeMode", "CreationTime", "LastModifiedTime"}
//
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::function_urls {

inline constexpr std::string_view kFunctionUrlKind = "function_url";

enum class UrlAuthType { kNone, kAwsIam };

/// The URL's CORS settings (Lambda answers preflights and adds the headers itself).
struct UrlCors {
  bool allowCredentials = false;
  std::vector<std::string> allowHeaders;  // lower case
  std::vector<std::string> allowMethods;  // upper case, or "*"
  std::vector<std::string> allowOrigins;  // as given, or "*"
  std::vector<std::string> exposeHeaders;
  std::optional<int> maxAge;
};

struct FunctionUrlConfig {
  std::string urlId;
  std::string function;   // the function's name
  std::string qualifier;  // "" ($LATEST) or an alias
  UrlAuthType auth = UrlAuthType::kNone;
  std::optional<UrlCors> cors;  // none: no CORS handling (OPTIONS reaches the function)
  bool streaming = false;       // InvokeMode RESPONSE_STREAM
};

/// The configuration a stored document describes; nullopt when it is damaged.
std::optional<FunctionUrlConfig> parseUrlConfig(std::string_view urlId, const boost::json::object& doc);

/// A url id as Lambda makes them: 32 characters of [a-z0-9].
bool isUrlId(std::string_view id);

}  // namespace portico::function_urls
