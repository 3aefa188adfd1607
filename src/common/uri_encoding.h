// Percent-encoding helpers shared by the admin router, SigV4 and the data plane.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico {

/// Decodes %XX escapes; invalid escapes are kept literally. If plusAsSpace, '+' becomes ' '.
std::string percentDecode(std::string_view in, bool plusAsSpace = false);
/// Encodes every byte except A-Za-z0-9 - _ . ~ (and '/' when keepSlash).
std::string percentEncode(std::string_view in, bool keepSlash = false);
/// RFC 3986's remove_dot_segments on a raw path ("/a/./b/../c" → "/a/c"), where a segment that
/// decodes to "." or ".." ("%2e", "%2E%2e") counts as one; other segments stay as sent.
/// nullopt when ".." would climb above the root.
std::optional<std::string> removeDotSegments(std::string_view path);
/// Splits "a/b/c" on '/', dropping empty segments, decoding each segment.
std::vector<std::string> splitPath(std::string_view path);
/// Parses "a=1&b=&c" into decoded pairs in order ('+' as space, as browsers send).
std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view query);

}  // namespace portico
