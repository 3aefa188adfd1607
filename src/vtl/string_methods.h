// String methods: java.lang.String's methods as VTL templates call them
// ($s.substring(1), $s.replaceAll("a", "b")...). Indexes count UTF-16 units, as
// Java's do.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "vtl/regex_cache.h"
#include "vtl/value.h"

namespace portico::vtl {

/// Calls a String method. nullopt when there is no such method (or the argument
/// types do not fit one); an error for what Java would throw (index out of range).
Result<std::optional<Value>> callStringMethod(const std::string& s, std::string_view name,
                                              const std::vector<Value>& args, RegexCache& regexes);

/// UTF-8 <-> UTF-16 for Java string indexes.
std::u16string toUtf16(std::string_view s);
std::string toUtf8(std::u16string_view s);

}  // namespace portico::vtl
