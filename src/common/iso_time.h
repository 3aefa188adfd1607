// ISO 8601 timestamps with milliseconds, in UTC: "2026-12-03T18:49:53.123" followed by `zone`
// ("Z" in Lambda's invocation records, "+0000" in its LastModified fields).
#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace portico {

std::string isoMillis(std::chrono::system_clock::time_point t, std::string_view zone);

}  // namespace portico
