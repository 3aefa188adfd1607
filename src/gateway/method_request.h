// Method Request stage: what the client sent, checked before anything is integrated.
// In AWS's order: authorization (authorization.h), API key (apiKeyRequired: an enabled key in a usage plan for this
// stage, else 403 Forbidden), throttling (the key's plan, the stage's method settings,
// the account; 429 Too Many Requests), the plan's quota (429 Limit Exceeded), then
// request validation. Reads immutable snapshots; token buckets are lock-free; only a
// quota check takes its (plan, key) pair's mutex.
#pragma once
#include <boost/asio/awaitable.hpp>

#include "gateway/authorization.h"
#include "gateway/quota_counters.h"
#include "gateway/request_context.h"
#include "gateway/token_bucket.h"
#include "gateway/usage_plans.h"

namespace portico::gateway {

class MethodRequest {
 public:
  /// All borrowed; they must outlive the stage.
  MethodRequest(const Authorization& authorization, const UsageRegistry& usage, QuotaCounters& quotas,
                const TokenBucket& account)
      : authorization_(authorization), usage_(usage), quotas_(quotas), account_(account) {}

  boost::asio::awaitable<StageResult> run(RequestContext& ctx) const;

 private:
  StageResult checkApiKey(RequestContext& ctx, const UsagePlanEntry*& plan) const;
  StageResult limitsAndValidation(RequestContext& ctx) const;

  const Authorization& authorization_;
  const UsageRegistry& usage_;
  QuotaCounters& quotas_;
  const TokenBucket& account_;
};

/// Fills ctx.query, ctx.queryLast and ctx.headersLast from the request (the first thing the
/// stage does; also needed by gateway responses for requests that never get routed).
void parseRequestParameters(RequestContext& ctx);

}  // namespace portico::gateway
