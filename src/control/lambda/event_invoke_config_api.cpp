// Lambda's asynchronous invocation settings: Put / Update / Get / Delete / ListFunctionEventInvokeConfig(s)
// (/2019-09-25/functions/{name}/event-invoke-config[/list], ?Qualifier= for a version or alias).
// Stored in the function's document by qualifier ("$LATEST" when none) with AWS's bounds
// (MaximumRetryAttempts 0-2, MaximumEventAgeInSeconds 60-21600) and destinations: another Lambda
// function is what Portico delivers to; SQS, SNS and EventBridge destinations are stored as given
// and reported as not delivered (function_catalog compiles the settings the Event queue applies).
// https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kKey = "eventInvokeConfigs";

std::string qualifierOf(const functions::FunctionRef& ref) {
  return ref.qualifier.empty() ? "$LATEST" : ref.qualifier;
}

/// The settings in body checked (a field absent is left out).
Result<bj::object> checked(const bj::object& body) {
  bj::object out;
  if (const bj::value* v = body.if_contains("MaximumRetryAttempts"); v && !v->is_null()) {
    if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > 2) {
      return validationError("1 validation error detected: Value '" + bj::serialize(*v) +
                             "' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value "
                             "less than or equal to 2");
    }
    out["MaximumRetryAttempts"] = *v;
  }
  if (const bj::value* v = body.if_contains("MaximumEventAgeInSeconds"); v && !v->is_null()) {
    if (!v->is_int64() || v->get_int64() < 60 || v->get_int64() > 21600) {
      return validationError("1 validation error detected: Value '" + bj::serialize(*v) +
                             "' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value "
                             "between 60 and 21600");
    }
    out["MaximumEventAgeInSeconds"] = *v;
  }
  if (const bj::object* destinations = json::obj(body, "DestinationConfig")) {
    bj::object kept;
    for (const char* when : {"OnSuccess", "OnFailure"}) {
      const bj::object* d = json::obj(*destinations, when);
      if (!d) continue;
      const std::string arn = json::strOr(*d, "Destination", "");
      if (!arn.empty() && !arn.starts_with("arn:aws:lambda:") && !arn.starts_with("arn:aws:sqs:") &&
          !arn.starts_with("arn:aws:sns:") && !arn.starts_with("arn:aws:events:")) {
        return invalidParameter("The destination ARN " + arn.substr(0, 300) + " is invalid.");
      }
      kept[when] = arn.empty() ? bj::object() : bj::object{{"Destination", arn}};
    }
    out["DestinationConfig"] = std::move(kept);
  }
  return out;
}

bj::object published(LambdaContext& ctx, const functions::FunctionRef& ref, const std::string& qualifier,
                     const bj::object& stored) {
  bj::object out = stored;
  out["FunctionArn"] = ctx.catalog.functionArn(ref.name, qualifier);
  if (!out.contains("DestinationConfig"))
    out["DestinationConfig"] = bj::object{{"OnSuccess", bj::object()}, {"OnFailure", bj::object()}};
  return out;
}

ApiError noConfig(LambdaContext& ctx, const functions::FunctionRef& ref, const std::string& qualifier) {
  return ApiError::lambda(
      "ResourceNotFoundException", 404,
      "The function " + ctx.catalog.functionArn(ref.name, qualifier) + " doesn't have an EventInvokeConfig");
}

/// PUT (replace) or POST (update): the stored settings afterwards.
Result<AdminReply> write(LambdaContext& ctx, const AdminCall& call, bool replace) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  auto body = call.json();
  if (!body) return body.takeError();
  auto settings = checked(*body);
  if (!settings) return settings.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  const std::string qualifier = qualifierOf(*ref);
  bj::object& all = json::objAt(*doc, kKey);
  bj::object next;
  if (!replace) {
    const bj::object* current = json::obj(all, qualifier);
    if (!current) return noConfig(ctx, *ref, qualifier);
    next = *current;
  }
  for (auto& [k, v] : *settings) next[k] = v;
  next["LastModified"] = std::chrono::duration<double>(ctx.clock.now().time_since_epoch()).count();
  all[qualifier] = next;
  saveFunction(ctx, ref->name, *doc);
  return jsonReply(200, published(ctx, *ref, qualifier, next));
}

}  // namespace

void registerEventInvokeConfigRoutes(RouteTable& routes, LambdaContext& ctx) {
  constexpr const char* kPath = "2019-09-25/functions/{}/event-invoke-config";
  routes.add(verb::put, kPath, [&ctx](const AdminCall& call) { return write(ctx, call, true); });
  routes.add(verb::post, kPath, [&ctx](const AdminCall& call) { return write(ctx, call, false); });
  routes.add(verb::get, kPath, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    const std::string qualifier = qualifierOf(*ref);
    const bj::object* all = json::obj(*doc, kKey);
    const bj::object* stored = all ? json::obj(*all, qualifier) : nullptr;
    if (!stored) return noConfig(ctx, *ref, qualifier);
    return jsonReply(200, published(ctx, *ref, qualifier, *stored));
  });
  routes.add(verb::delete_, kPath, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    const std::string qualifier = qualifierOf(*ref);
    bj::object& all = json::objAt(*doc, kKey);
    if (!all.contains(qualifier)) return noConfig(ctx, *ref, qualifier);
    all.erase(qualifier);
    saveFunction(ctx, ref->name, *doc);
    return noContent();
  });
  routes.add(verb::get, "2019-09-25/functions/{}/event-invoke-config/list",
             [&ctx](const AdminCall& call) -> Result<AdminReply> {
               auto ref = refFrom(ctx, call);
               if (!ref) return ref.takeError();
               std::lock_guard lock(ctx.mu);
               auto doc = loadFunction(ctx, *ref);
               if (!doc) return doc.takeError();
               bj::array configs;
               if (const bj::object* all = json::obj(*doc, kKey)) {
                 for (const auto& [qualifier, stored] : *all) {
                   if (stored.is_object())
                     configs.push_back(published(ctx, *ref, std::string(qualifier), stored.get_object()));
                 }
               }
               return jsonReply(200, bj::object{{"FunctionEventInvokeConfigs", std::move(configs)}});
             });
}

}  // namespace portico::control::lambda
