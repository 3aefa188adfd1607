#include "gateway/method_request.h"

#include "common/uri_encoding.h"
#include "gateway/request_validation.h"

namespace portico::gateway {
namespace {

const GatewayError kForbidden{"INVALID_API_KEY", "Forbidden"};
const GatewayError kThrottled{"THROTTLED", "Too Many Requests"};
const GatewayError kQuota{"QUOTA_EXCEEDED", "Limit Exceeded"};

}  // namespace

void parseRequestParameters(RequestContext& ctx) {
  ctx.query = parseQuery(ctx.rawQuery);
  for (auto& [k, v] : ctx.query) ctx.queryLast[k] = v;
  for (const auto& field : ctx.request) {
    ctx.headersLast[std::string(field.name_string())] = std::string(field.value());
  }
}

StageResult MethodRequest::checkApiKey(RequestContext& ctx, const UsagePlanEntry*& plan) const {
  auto usage = usage_.current();
  std::string value =
      ctx.stage->apiKeySource == "AUTHORIZER" ? ctx.usageIdentifierKey : std::string(ctx.request["x-api-key"]);
  auto key = usage->keysByValue.find(value);
  if (value.empty() || key == usage->keysByValue.end() || !key->second.enabled) return kForbidden;
  const std::string stageKey = ctx.stage->apiId + "/" + ctx.stage->stageName;
  for (const auto& planId : key->second.planIds) {
    auto p = usage->plans.find(planId);
    if (p != usage->plans.end() && p->second.stages.contains(stageKey)) {
      plan = &p->second;
      break;
    }
  }
  if (!plan) return kForbidden;
  ctx.apiKey = value;
  ctx.apiKeyId = key->second.id;
  // The key's throttle: a per-method one in the plan's stage, else the plan's.
  const std::string method = stageKey + ctx.match.method->resourcePath + "/" + ctx.match.method->httpMethod;
  const TokenBucket* bucket = usage->bucket(plan->id, key->second.id, method);
  if (!bucket) bucket = usage->bucket(plan->id, key->second.id, "");
  if (bucket && !bucket->tryTake()) return kThrottled;
  ctx.usageSnapshot = std::move(usage);  // keeps `plan` alive for the quota check
  return std::nullopt;
}

boost::asio::awaitable<StageResult> MethodRequest::run(RequestContext& ctx) const {
  parseRequestParameters(ctx);
  // AWS's test invoke skips authorization, API keys and limits; it still validates.
  if (ctx.testInvoke) co_return validateRequest(ctx);
  // Most methods have no authorizer: no authorization coroutine frame for them.
  if (Authorization::applies(*ctx.match.method)) {
    if (auto err = co_await authorization_.run(ctx)) co_return err;
  }
  co_return limitsAndValidation(ctx);
}

StageResult MethodRequest::limitsAndValidation(RequestContext& ctx) const {
  const CompiledMethod& method = *ctx.match.method;
  const UsagePlanEntry* plan = nullptr;
  if (method.apiKeyRequired) {
    if (auto err = checkApiKey(ctx, plan)) return err;
  }
  if (const TokenBucket* stageBucket = method.throttle.get(); stageBucket && !stageBucket->tryTake()) {
    return kThrottled;
  }
  if (!account_.tryTake()) return kThrottled;
  if (plan) {
    const auto now = ctx.receivedAt;
    if (plan->quota) {
      if (!quotas_.tryConsume(plan->id, ctx.apiKeyId, *plan->quota, now)) return kQuota;
    } else {
      quotas_.count(plan->id, ctx.apiKeyId, now);
    }
  }
  return validateRequest(ctx);
}

}  // namespace portico::gateway
