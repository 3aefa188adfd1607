// Small helpers for reading request JSON (boost::json) without exceptions.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace portico::json {

namespace bj = boost::json;

/// The string at key, or nullopt if absent/null/not a string.
inline std::optional<std::string> str(const bj::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}
/// The string at key, or fallback.
inline std::string strOr(const bj::object& o, std::string_view key, std::string_view fallback) {
  auto s = str(o, key);
  return s ? *s : std::string(fallback);
}
/// The object at key, or nullptr.
inline const bj::object* obj(const bj::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}
inline bj::object* obj(bj::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}
/// The object at key, created if absent or not an object.
inline bj::object& objAt(bj::object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = bj::object();
  return v.get_object();
}
/// Parses text as a JSON object; nullopt on any error or a non-object.
inline std::optional<bj::object> parseObject(std::string_view text) {
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace portico::json
