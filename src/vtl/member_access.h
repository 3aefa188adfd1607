// Member access: what `$a.b`, `$a.b(c)` and `$a[i]` mean for each kind of value,
// following Velocity's introspection (a map property is get("b"), `$s.empty` is
// isEmpty(), a host object answers for itself). A missing member is null.
#pragma once
#include <string_view>
#include <vector>

#include "common/result.h"
#include "vtl/regex_cache.h"
#include "vtl/value.h"

namespace portico::vtl {

/// `$target.name`.
Value getProperty(const Value& target, std::string_view name);
/// `$target[index]`: a list position or a map key; null when absent.
Value getIndex(const Value& target, const Value& index);
/// `$target.name(args)`: null when there is no such method; an error for what Java would throw.
Result<Value> callMethod(const Value& target, std::string_view name, const std::vector<Value>& args,
                         RegexCache& regexes);
/// `#set($target.name = value)` and `#set($target[index] = value)`.
void setMember(const Value& target, const Value& key, Value value);

}  // namespace portico::vtl
