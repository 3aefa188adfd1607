// UtilObject: the $util built-in of API Gateway mapping templates:
// escapeJavaScript, parseJson, urlEncode, urlDecode, base64Encode, base64Decode.
// See the AWS "API Gateway mapping template reference" ($util variables).
#pragma once
#include <string>

#include "vtl/value.h"

namespace portico::vtl {

class UtilObject final : public HostObject {
 public:
  Value property(std::string_view) const override { return {}; }
  Result<std::optional<Value>> call(std::string_view name, const std::vector<Value>& args) const override;
  std::string toString() const override { return "$util"; }
};

/// Commons Lang 2 StringEscapeUtils.escapeJavaScript: `'` → `\'`, `/` → `\/`,
/// non-ASCII as \uXXXX (upper-case hex, UTF-16 units).
std::string escapeJavaScript(std::string_view s);
/// java.net.URLEncoder.encode(s, "UTF-8"): space → '+', unreserved `.-*_` kept.
std::string urlEncodeJava(std::string_view s);

}  // namespace portico::vtl
