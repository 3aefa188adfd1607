// Lambda's TagResource, UntagResource and ListTags on a function's ARN
// (POST / DELETE / GET /2017-03-31/tags/{ARN}); CreateFunction's Tags start the set and
// GetFunction shows it. Bounds as on AWS: 50 tags per function, keys of 1-128 characters not
// starting with "aws:", values of at most 256.
// https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::size_t kMaxTags = 50;

/// The function an ARN in the path names (an unqualified function ARN only).
Result<functions::FunctionRef> taggedFunction(LambdaContext& ctx, const AdminCall& call) {
  const std::string& arn = call.params.at(0);
  if (!arn.starts_with("arn:") || arn.find(":function:") == std::string::npos) {
    return validationError("1 validation error detected: Value '" + arn.substr(0, 300) +
                           "' at 'resource' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:"
                           "\\d{12}:function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  }
  auto ref = ctx.catalog.parseRef(arn, "");
  if (!ref) return ref.takeError();
  if (!ref->qualifier.empty()) {
    return invalidParameter("Tags are not supported on function versions or aliases: " + arn.substr(0, 300));
  }
  return ref;
}

Status checkTag(const std::string& key, const bj::value& value) {
  if (key.empty() || key.size() > 128) return invalidParameter("Tag keys must be 1 to 128 characters long");
  if (key.starts_with("aws:")) return invalidParameter("Tag keys starting with 'aws:' are reserved for AWS use");
  if (!value.is_string()) return invalidParameter("Tag values must be strings");
  if (value.get_string().size() > 256) return invalidParameter("Tag values must be at most 256 characters long");
  return Ok{};
}

}  // namespace

void registerTagRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::post, "2017-03-31/tags/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = taggedFunction(ctx, call);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    const bj::object* tags = json::obj(*body, "Tags");
    if (!tags)
      return validationError(
          "1 validation error detected: Value null at 'tags' failed to satisfy "
          "constraint: Member must not be null");
    for (const auto& [key, value] : *tags) {
      if (auto st = checkTag(std::string(key), value); !st) return st.takeError();
    }
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::object& current = json::objAt(*doc, "tags");
    for (const auto& [key, value] : *tags) current[key] = value;
    if (current.size() > kMaxTags) {
      return invalidParameter("Number of tags exceeds resource tag limit. A function can have at most " +
                              std::to_string(kMaxTags) + " tags.");
    }
    saveFunction(ctx, ref->name, *doc);
    return noContent();
  });
  routes.add(verb::delete_, "2017-03-31/tags/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = taggedFunction(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::object& current = json::objAt(*doc, "tags");
    for (const auto& [name, value] : call.query) {
      if (name == "tagKeys") current.erase(value);
    }
    saveFunction(ctx, ref->name, *doc);
    return noContent();
  });
  routes.add(verb::get, "2017-03-31/tags/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = taggedFunction(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    const bj::object* tags = json::obj(*doc, "tags");
    return jsonReply(200, bj::object{{"Tags", tags ? *tags : bj::object()}});
  });
}

}  // namespace portico::control::lambda
