#include "control/patch_operations.h"

#include <boost/json.hpp>

#include "common/json_util.h"
#include "common/parse_number.h"

namespace portico::control {
namespace bj = boost::json;

std::string decodePointer(std::string_view segment) {
  std::string out;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '~' && i + 1 < segment.size() && (segment[i + 1] == '1' || segment[i + 1] == '0')) {
      out.push_back(segment[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(segment[i]);
    }
  }
  return out;
}

namespace {

ApiError invalidPath(std::string_view path, std::string_view op, std::span<const PatchField> fields) {
  std::string allowed;
  for (const auto& f : fields) {
    if (!allowed.empty()) allowed += ", ";
    allowed += f.path;
    if (f.kind == FieldKind::kStringMap || f.kind == FieldKind::kBoolMap || f.kind == FieldKind::kStringList) {
      allowed += "/*";
    }
  }
  return ApiError::badRequest("Invalid patch path  '" + std::string(path) + "' specified for op '" + std::string(op) +
                              "'. Must be one of: [" + allowed + "]");
}

Result<bool> parseBool(std::string_view v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return ApiError::badRequest("Invalid boolean value: " + std::string(v));
}

Status applyOne(bj::object& doc, std::string_view op, std::string_view path, const std::optional<std::string>& value,
                std::span<const PatchField> fields) {
  for (const auto& f : fields) {
    bool isContainer =
        f.kind == FieldKind::kStringMap || f.kind == FieldKind::kBoolMap || f.kind == FieldKind::kStringList;
    if (!isContainer) {
      if (path != f.path) continue;
      if (op == "remove") {
        doc.erase(f.key);
        return Ok{};
      }
      if (!value) return ApiError::badRequest("Invalid null value for path " + std::string(path));
      switch (f.kind) {
        case FieldKind::kString:
          doc[f.key] = *value;
          break;
        case FieldKind::kBool: {
          auto b = parseBool(*value);
          if (!b) return b.takeError();
          doc[f.key] = *b;
          break;
        }
        case FieldKind::kInt: {
          auto n = parseNumber<std::int64_t>(*value);
          if (!n) return ApiError::badRequest("Invalid integer value: " + *value);
          doc[f.key] = *n;
          break;
        }
        default:
          break;
      }
      return Ok{};
    }
    if (!path.starts_with(f.path) || path.size() <= f.path.size() + 1 || path[f.path.size()] != '/') continue;
    std::string name = decodePointer(path.substr(f.path.size() + 1));
    if (f.kind == FieldKind::kStringList) {
      auto& v = doc[f.key];
      if (!v.is_array()) v = bj::array();
      auto& arr = v.get_array();
      auto it = std::find_if(arr.begin(), arr.end(),
                             [&](const bj::value& x) { return x.is_string() && x.get_string() == name; });
      if (op == "remove") {
        if (it != arr.end()) arr.erase(it);
      } else if (it == arr.end()) {
        arr.emplace_back(name);
      }
      return Ok{};
    }
    auto& map = json::objAt(doc, f.key);
    if (op == "remove") {
      map.erase(name);
      return Ok{};
    }
    if (f.kind == FieldKind::kBoolMap) {
      auto b = parseBool(value.value_or("false"));
      if (!b) return b.takeError();
      map[name] = *b;
    } else {
      if (!value) return ApiError::badRequest("Invalid null value for path " + std::string(path));
      map[name] = *value;
    }
    return Ok{};
  }
  return invalidPath(path, op, fields);
}

}  // namespace

Status applyPatch(bj::object& doc, const bj::object& body, std::span<const PatchField> fields) {
  auto* ops = body.if_contains("patchOperations");
  if (!ops) return Ok{};
  if (!ops->is_array()) return ApiError::badRequest("patchOperations must be a list");
  for (const auto& item : ops->get_array()) {
    if (!item.is_object()) return ApiError::badRequest("Invalid patch operation");
    const auto& o = item.get_object();
    std::string op = json::strOr(o, "op", "");
    std::string path = json::strOr(o, "path", "");
    auto value = json::str(o, "value");
    if (op != "add" && op != "remove" && op != "replace") {
      if (op == "move" || op == "copy" || op == "test") {
        return ApiError::badRequest("Invalid patch operation specified. Must be one of: [add, remove, replace]");
      }
      return ApiError{"ValidationException", 400,
                      "1 validation error detected: Value '" + op +
                          "' at 'patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy "
                          "enum value set: [add, remove, move, test, replace, copy]"};
    }
    if (auto st = applyOne(doc, op, path, value, fields); !st) return st;
  }
  return Ok{};
}

}  // namespace portico::control
