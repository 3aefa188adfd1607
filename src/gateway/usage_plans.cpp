#include "gateway/usage_plans.h"

#include <boost/json.hpp>

#include "common/json_util.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

std::optional<Throttle> throttleOf(const bj::object* o) {
  if (!o) return std::nullopt;
  Throttle t;
  if (auto* r = o->if_contains("rateLimit"); r && r->is_number()) t.rateLimit = r->to_number<double>();
  if (auto* b = o->if_contains("burstLimit"); b && b->is_number()) t.burstLimit = b->to_number<int>();
  if (t.rateLimit <= 0 && t.burstLimit <= 0) return std::nullopt;
  return t;
}

std::string bucketKey(const std::string& plan, const std::string& key, const std::string& method) {
  return plan + "|" + key + "|" + method;
}

}  // namespace

const TokenBucket* UsageSnapshot::bucket(const std::string& planId, const std::string& keyId,
                                         const std::string& method) const {
  auto it = buckets_.find(bucketKey(planId, keyId, method));
  return it == buckets_.end() ? nullptr : it->second.get();
}

void UsageSnapshot::buildBuckets() {
  auto make = [](const Throttle& t) {
    // A rate of 0 with a burst admits nothing after the burst; AWS treats 0 as "blocked".
    return std::make_unique<TokenBucket>(t.rateLimit > 0 ? t.rateLimit : 1e-9, std::max(t.burstLimit, 1));
  };
  for (const auto& [value, key] : keysByValue) {
    for (const auto& planId : key.planIds) {
      auto plan = plans.find(planId);
      if (plan == plans.end()) continue;
      if (plan->second.throttle) buckets_[bucketKey(planId, key.id, "")] = make(*plan->second.throttle);
      for (const auto& [stage, methods] : plan->second.stages) {
        for (const auto& [method, t] : methods) buckets_[bucketKey(planId, key.id, stage + method)] = make(t);
      }
    }
  }
}

std::shared_ptr<const UsageSnapshot> compileUsage(const std::vector<bj::object>& keys,
                                                  const std::vector<bj::object>& plans,
                                                  const std::map<std::string, std::vector<std::string>>& planKeys) {
  auto snap = std::make_shared<UsageSnapshot>();
  for (const auto& p : plans) {
    UsagePlanEntry plan;
    plan.id = json::strOr(p, "id", "");
    plan.throttle = throttleOf(json::obj(p, "throttle"));
    if (auto* q = json::obj(p, "quota")) {
      Quota quota;
      if (auto* l = q->if_contains("limit"); l && l->is_number()) quota.limit = l->to_number<std::int64_t>();
      quota.period = json::strOr(*q, "period", "DAY");
      if (auto* o = q->if_contains("offset"); o && o->is_number()) quota.offset = o->to_number<int>();
      plan.quota = quota;
    }
    if (auto* stages = p.if_contains("apiStages"); stages && stages->is_array()) {
      for (const auto& s : stages->get_array()) {
        if (!s.is_object()) continue;
        const auto& so = s.get_object();
        auto& methods = plan.stages[json::strOr(so, "apiId", "") + "/" + json::strOr(so, "stage", "")];
        if (auto* throttles = json::obj(so, "throttle")) {
          for (const auto& [path, t] : *throttles) {
            if (auto th = throttleOf(t.is_object() ? &t.get_object() : nullptr)) methods[std::string(path)] = *th;
          }
        }
      }
    }
    snap->plans.emplace(plan.id, std::move(plan));
  }
  std::unordered_map<std::string, ApiKeyEntry*> byId;
  for (const auto& k : keys) {
    ApiKeyEntry entry;
    entry.id = json::strOr(k, "id", "");
    if (auto* e = k.if_contains("enabled"); e && e->is_bool()) entry.enabled = e->get_bool();
    auto [it, inserted] = snap->keysByValue.emplace(json::strOr(k, "value", ""), std::move(entry));
    if (inserted) byId[it->second.id] = &it->second;
  }
  for (const auto& [planId, keyIds] : planKeys) {
    for (const auto& keyId : keyIds) {
      if (auto it = byId.find(keyId); it != byId.end()) it->second->planIds.push_back(planId);
    }
  }
  snap->buildBuckets();
  return snap;
}

}  // namespace portico::gateway
