// ISO 8601 timestamps with milliseconds, in UTC: "2026-12-03T18:49:53.123" followed by `zone`
// ("Z" in Lambda's invocation records, "+0000" in its LastModified fields).
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace portico {

std::string isoMillis(std::chrono::system_clock::time_point t, std::string_view zone);

/// Reads an ISO 8601 extended timestamp as AWS's query protocol sends them:
/// "2026-12-04T18:00:00Z", with optional fractional seconds and a "Z", "+hh:mm" or "-hh:mm"
/// zone (none: UTC), from 1970 up to 2261 (system_clock's range). nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parseIsoTime(std::string_view text);

}  // namespace portico
