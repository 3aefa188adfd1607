#include "control/apigateway/input_limits.h"

#include <boost/json.hpp>
#include <string>

#include "auth/iam_policy.h"
#include "common/json_util.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
namespace {

bool hasControlCharacter(std::string_view text, bool allowLineBreaks) {
  for (unsigned char c : text) {
    if (allowLineBreaks && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::size_t charCount(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;  // continuation bytes do not start a character
  return n;
}

Status checkNameAndDescription(const bj::object& doc, std::string_view label) {
  const std::string what(label);
  if (auto name = json::str(doc, "name")) {
    if (charCount(*name) > kMaxNameChars) {
      return ApiError::badRequest("Invalid " + what + " name, can be at most " + std::to_string(kMaxNameChars) +
                                  " characters.");
    }
    if (hasControlCharacter(*name, false)) {
      return ApiError::badRequest("Invalid " + what + " name, control characters are not allowed.");
    }
  }
  if (auto description = json::str(doc, "description")) {
    if (charCount(*description) > kMaxDescriptionChars || hasControlCharacter(*description, true)) {
      return ApiError::badRequest("Invalid " + what + " description specified.");
    }
  }
  return Ok{};
}

Status checkResourcePolicy(const bj::object& doc) {
  auto* policy = doc.if_contains("policy");
  if (!policy || policy->is_null()) return Ok{};
  if (!policy->is_string()) return ApiError::badRequest("Invalid policy document. Please check the policy syntax.");
  std::string_view text = policy->get_string();
  if (text.empty()) return Ok{};  // removing the policy
  if (charCount(text) > kMaxPolicyChars) {
    return ApiError::badRequest("Policy document exceeds the maximum length of " + std::to_string(kMaxPolicyChars) +
                                " characters.");
  }
  boost::system::error_code ec;
  bj::value parsed = bj::parse(text, ec);
  if (ec || !auth::IamPolicy::parse(parsed)) {  // the shape IAM policies have
    return ApiError::badRequest(
        "Invalid policy document. Please check the policy syntax and ensure that Principals are valid.");
  }
  return Ok{};
}

Status checkEnumValue(std::string_view value, std::string_view where, std::initializer_list<std::string_view> values) {
  for (auto v : values) {
    if (v == value) return Ok{};
  }
  std::string list;
  for (auto v : values) list += (list.empty() ? "" : ", ") + std::string(v);
  return ApiError{"ValidationException", 400,
                  "1 validation error detected: Value '" + std::string(value.substr(0, 200)) + "' at '" +
                      std::string(where) + "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                      list + "]"};
}

}  // namespace portico::control::apigateway
