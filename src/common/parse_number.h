// parseNumber: the one way Portico reads a number out of text. The whole text must be the number
// (no sign where the type has none, no leading blanks, no trailing "abc"), in range, in base 10;
// anything else is nullopt. Checked std::from_chars underneath: no locale, no exceptions, no errno.
#pragma once
#include <charconv>
#include <cmath>
#include <concepts>
#include <optional>
#include <string_view>
#include <system_error>

namespace portico {

template <class T>
requires std::integral<T> || std::floating_point<T> std::optional<T> parseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if constexpr (std::floating_point<T>) {
    if (!std::isfinite(value)) return std::nullopt;  // "inf", "nan": never a quantity
  }
  return value;
}

}  // namespace portico
