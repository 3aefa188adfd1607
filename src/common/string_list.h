// splitList: "a, b ,c" → {"a", "b", "c"}: the comma-separated lists AWS keeps in one string
// (an authorizer's identitySource, for one).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace portico {

/// The items between separators, each trimmed of spaces; empty items are kept (callers decide
/// whether "a,,b" is an error); an empty input is an empty list.
inline std::vector<std::string> splitList(std::string_view text, char separator = ',') {
  std::vector<std::string> items;
  if (text.empty()) return items;
  while (true) {
    std::size_t end = text.find(separator);
    std::string_view item = text.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    items.emplace_back(item);
    if (end == std::string_view::npos) return items;
    text.remove_prefix(end + 1);
  }
}

}  // namespace portico
