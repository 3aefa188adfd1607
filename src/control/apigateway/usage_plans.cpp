// Usage plan operations: Create/Get/Update/DeleteUsagePlan, GetUsagePlans, usage plan keys
// (Create/Get/Delete, GetUsagePlanKeys) and GetUsage. Changes reach the data plane at once.
// https://docs.aws.amazon.com/apigateway/latest/api/API_UsagePlan.html
#include <re2/re2.h>

#include <boost/json.hpp>
#include <ctime>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

Result<bj::object> loadPlan(ApiGatewayContext& ctx, const std::string& id) {
  auto doc = loadDoc(ctx, kUsagePlan, "", id);
  if (!doc) return ApiError::notFound("Invalid Usage Plan ID specified");
  return std::move(*doc);
}

Status validatePlan(ApiGatewayContext& ctx, const bj::object& plan) {
  if (auto st = checkNameAndDescription(plan, "usage plan"); !st) return st;
  if (auto* q = json::obj(plan, "quota")) {
    std::string period = json::strOr(*q, "period", "");
    if (period != "DAY" && period != "WEEK" && period != "MONTH") {
      return ApiError::badRequest("Invalid quota period specified. Valid options are DAY,WEEK,MONTH");
    }
    auto* limit = q->if_contains("limit");
    if (!limit || !limit->is_int64() || limit->get_int64() < 0) {
      return ApiError::badRequest("Invalid quota limit specified");
    }
    auto* offset = q->if_contains("offset");
    std::int64_t o = offset && offset->is_int64() ? offset->get_int64() : 0;
    std::int64_t max = period == "WEEK" ? 6 : period == "MONTH" ? 27 : 0;
    if (o < 0 || o > max) return ApiError::badRequest("Invalid quota offset specified for period " + period);
  }
  if (auto* t = json::obj(plan, "throttle")) {
    auto* rate = t->if_contains("rateLimit");
    auto* burst = t->if_contains("burstLimit");
    if ((rate && (!rate->is_number() || rate->to_number<double>() < 0)) ||
        (burst && (!burst->is_int64() || burst->get_int64() < 0))) {
      return ApiError::badRequest("Invalid throttle settings specified");
    }
  }
  if (auto* stages = plan.if_contains("apiStages"); stages && stages->is_array()) {
    for (const auto& s : stages->get_array()) {
      if (!s.is_object()) return ApiError::badRequest("Invalid API stage specified");
      std::string apiId = json::strOr(s.get_object(), "apiId", "");
      std::string stage = json::strOr(s.get_object(), "stage", "");
      if (auto api = loadApi(ctx, apiId); !api) return api.takeError();
      if (!loadDoc(ctx, kStage, apiId, stage)) {
        return ApiError::badRequest("API Stage not found: " + apiId + ":" + stage);
      }
    }
  }
  return Ok{};
}

/// A per-method throttle patch: /apiStages/{apiId}:{stage}/throttle[/{resourcePath}/{httpMethod}
/// [/rateLimit|/burstLimit]], the resource path's slashes escaped as "~1" (JSON Pointer).
Status patchMethodThrottle(bj::object& plan, const std::string& op, const std::string& path, const std::string& value) {
  constexpr std::string_view kPrefix = "/apiStages/";
  std::string rest = path.substr(kPrefix.size());
  auto slash = rest.find('/');
  std::string stageKey = rest.substr(0, slash);
  rest = slash == std::string::npos ? "" : rest.substr(slash);
  if (!rest.starts_with("/throttle")) return ApiError::badRequest("Invalid patch path " + path);
  rest = rest.substr(std::string_view("/throttle").size());
  auto colon = stageKey.find(':');
  bj::object* stage = nullptr;
  if (auto* stages = plan.if_contains("apiStages"); stages && stages->is_array() && colon != std::string::npos) {
    for (auto& s : stages->get_array()) {
      if (s.is_object() && json::strOr(s.get_object(), "apiId", "") == stageKey.substr(0, colon) &&
          json::strOr(s.get_object(), "stage", "") == stageKey.substr(colon + 1)) {
        stage = &s.get_object();
      }
    }
  }
  if (!stage) return ApiError::notFound("Invalid API stage specified: " + stageKey);
  if (rest.empty()) {
    if (op != "remove") return ApiError::badRequest("Invalid patch operation " + op + " on " + path);
    stage->erase("throttle");
    return Ok{};
  }
  std::string field;
  for (std::string_view f : {"/rateLimit", "/burstLimit"}) {
    if (rest.ends_with(f)) {
      field = std::string(f.substr(1));
      rest = rest.substr(0, rest.size() - f.size());
    }
  }
  auto methodSlash = rest.rfind('/');
  if (methodSlash == std::string::npos || methodSlash == 0 || methodSlash + 1 == rest.size()) {
    return ApiError::badRequest("Invalid patch path " + path);
  }
  std::string resourcePath;
  for (std::size_t i = 1; i < methodSlash; ++i) {  // unescape JSON Pointer: ~1 → '/', ~0 → '~'
    if (rest[i] == '~' && i + 1 < methodSlash && (rest[i + 1] == '1' || rest[i + 1] == '0')) {
      resourcePath += rest[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      resourcePath += rest[i];
    }
  }
  if (!resourcePath.starts_with('/')) resourcePath.insert(0, "/");
  std::string methodKey = resourcePath + "/" + rest.substr(methodSlash + 1);
  auto& throttles = json::objAt(*stage, "throttle");
  if (op == "remove") {
    if (field.empty()) {
      throttles.erase(methodKey);
    } else {
      json::objAt(throttles, methodKey).erase(field);
    }
    return Ok{};
  }
  if (field.empty() || (op != "replace" && op != "add")) {
    return ApiError::badRequest("Invalid patch operation " + op + " on " + path);
  }
  // The whole value, a finite number ≥ 0 (an integer for burstLimit).
  double number = parseNumber<double>(value).value_or(-1);
  bool integral = number == static_cast<double>(static_cast<long long>(number));
  if (number < 0 || (field == "burstLimit" && !integral)) {
    return ApiError::badRequest("Invalid value for " + path + ": " + value);
  }
  auto& target = json::objAt(throttles, methodKey);
  if (field == "rateLimit") {
    target[field] = number;
  } else {
    target[field] = static_cast<std::int64_t>(number);
  }
  return Ok{};
}

/// PATCH paths: /name, /description, /productCode, /throttle/{rateLimit,burstLimit},
/// /quota/{limit,period,offset}, /apiStages (add/remove "apiId:stage"), and per-method throttles
/// under /apiStages/{apiId}:{stage}/throttle (patchMethodThrottle).
Status patchPlan(bj::object& plan, const bj::object& body) {
  auto* ops = body.if_contains("patchOperations");
  if (!ops || !ops->is_array()) return Ok{};
  for (const auto& opv : ops->get_array()) {
    if (!opv.is_object()) return ApiError::badRequest("Invalid patch operation");
    const auto& op = opv.get_object();
    std::string name = json::strOr(op, "op", ""), path = json::strOr(op, "path", "");
    std::string value = json::strOr(op, "value", "");
    auto number = [&](bj::object& target, const char* key, bool integer) -> Status {
      if (name == "remove") {
        target.erase(key);
        return Ok{};
      }
      std::optional<bj::value> n;  // the whole value, a number (an integer where integer)
      if (integer) {
        if (auto i = parseNumber<std::int64_t>(value)) n = *i;
      } else if (auto d = parseNumber<double>(value)) {
        n = *d;
      }
      if (!n) return ApiError::badRequest("Invalid value for " + path + ": " + value);
      target[key] = std::move(*n);
      return Ok{};
    };
    if (path == "/name" || path == "/description" || path == "/productCode") {
      plan[path.substr(1)] = value;
    } else if (path == "/throttle/rateLimit") {
      if (auto st = number(json::objAt(plan, "throttle"), "rateLimit", false); !st) return st;
    } else if (path == "/throttle/burstLimit") {
      if (auto st = number(json::objAt(plan, "throttle"), "burstLimit", true); !st) return st;
    } else if (path == "/quota/limit") {
      if (auto st = number(json::objAt(plan, "quota"), "limit", true); !st) return st;
    } else if (path == "/quota/offset") {
      if (auto st = number(json::objAt(plan, "quota"), "offset", true); !st) return st;
    } else if (path == "/quota/period") {
      json::objAt(plan, "quota")["period"] = value;
    } else if (path == "/throttle" && name == "remove") {
      plan.erase("throttle");
    } else if (path == "/quota" && name == "remove") {
      plan.erase("quota");
    } else if (path.starts_with("/apiStages/")) {
      if (auto st = patchMethodThrottle(plan, name, path, value); !st) return st;
    } else if (path == "/apiStages") {
      auto colon = value.find(':');
      if (colon == std::string::npos) return ApiError::badRequest("Invalid API stage specified: " + value);
      bj::object stage{{"apiId", value.substr(0, colon)}, {"stage", value.substr(colon + 1)}};
      auto& stages = plan["apiStages"];
      if (!stages.is_array()) stages.emplace_array();
      auto& arr = stages.get_array();
      for (auto it = arr.begin(); it != arr.end();) {
        bool same = it->is_object() && json::strOr(it->get_object(), "apiId", "") == value.substr(0, colon) &&
                    json::strOr(it->get_object(), "stage", "") == value.substr(colon + 1);
        it = same ? arr.erase(it) : it + 1;
      }
      if (name == "add") arr.emplace_back(std::move(stage));
    } else {
      return ApiError::badRequest("Invalid patch path " + path);
    }
  }
  return Ok{};
}

/// The plan's quota (limit, period, offset) as the counters take it, or nullopt without one.
std::optional<gateway::Quota> planQuota(const bj::object& plan) {
  const bj::object* q = json::obj(plan, "quota");
  if (!q) return std::nullopt;
  return gateway::Quota{q->if_contains("limit") ? q->at("limit").to_number<std::int64_t>() : 0,
                        json::strOr(*q, "period", "DAY"),
                        q->if_contains("offset") ? q->at("offset").to_number<int>() : 0};
}

/// GetUsage: {usagePlanId, startDate, endDate, values (the CLI shows "items"): {keyId: [[used, remaining], ...per
/// day]}}.
Result<AdminReply> getUsage(ApiGatewayContext& ctx, const AdminCall& call, const bj::object& plan) {
  static const RE2 kDate(R"(\d{4}-\d{2}-\d{2})");
  std::string start = call.queryParam("startDate").value_or("");
  std::string end = call.queryParam("endDate").value_or("");
  if (!RE2::FullMatch(start, kDate) || !RE2::FullMatch(end, kDate) || end < start) {
    return ApiError::badRequest("Invalid date range: startDate and endDate must be YYYY-MM-DD, start before end");
  }
  std::optional<gateway::Quota> quota = planQuota(plan);
  std::string planId = json::strOr(plan, "id", "");
  std::string onlyKey = call.queryParam("keyId").value_or("");
  bj::object items;
  for (const auto& pk : listDocs(ctx, kUsagePlanKey, planId)) {
    std::string keyId = json::strOr(pk, "id", "");
    if (!onlyKey.empty() && keyId != onlyKey) continue;
    auto days = ctx.quotas.daily(planId, keyId);
    bj::array series;
    std::tm tm{};
    strptime(start.c_str(), "%Y-%m-%d", &tm);
    tm.tm_hour = 12;
    for (std::time_t t = timegm(&tm);; t += 86400) {
      char buf[16];
      std::tm day{};
      gmtime_r(&t, &day);
      std::strftime(buf, sizeof buf, "%Y-%m-%d", &day);
      std::string d = buf;
      if (d > end) break;
      std::int64_t used = days.contains(d) ? std::max<std::int64_t>(0, days[d]) : 0;  // (an extension counts below 0)
      std::int64_t remaining = 0;
      if (quota) {
        std::int64_t inPeriod = 0;
        std::string from = gateway::QuotaCounters::periodStart(*quota, d);
        for (auto it = days.lower_bound(from); it != days.end() && it->first <= d; ++it) inPeriod += it->second;
        remaining = std::max<std::int64_t>(0, quota->limit - inPeriod);
      }
      series.emplace_back(bj::array{used, remaining});
      if (series.size() > 366) break;
    }
    items[keyId] = std::move(series);
  }
  return reply(200, bj::object{{"usagePlanId", planId}, {"startDate", start}, {"endDate", end}, {"values", items}});
}

}  // namespace

void publishUsage(ApiGatewayContext& ctx) {
  std::map<std::string, std::vector<std::string>> planKeys;
  auto plans = listDocs(ctx, kUsagePlan, "");
  for (const auto& p : plans) {
    std::string id = json::strOr(p, "id", "");
    for (const auto& k : listDocs(ctx, kUsagePlanKey, id)) planKeys[id].push_back(json::strOr(k, "id", ""));
  }
  ctx.usage.publish(gateway::compileUsage(listDocs(ctx, kApiKey, ""), plans, planKeys));
}

void registerUsagePlanRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "usageplans", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    bj::object plan{{"id", ctx.ids.alnum(6)}, {"name", json::strOr(*body, "name", "")}, {"apiStages", bj::array()}};
    for (auto key : {"description", "productCode"}) {
      if (auto s = json::str(*body, key)) plan[key] = *s;
    }
    for (auto key : {"throttle", "quota", "tags"}) {
      if (auto* o = json::obj(*body, key)) plan[key] = *o;
    }
    if (auto* stages = body->if_contains("apiStages"); stages && stages->is_array()) plan["apiStages"] = *stages;
    if (json::strOr(plan, "name", "").empty()) return ApiError::badRequest("Invalid usage plan name specified");
    if (auto st = validatePlan(ctx, plan); !st) return st.takeError();
    saveDoc(ctx, kUsagePlan, "", json::strOr(plan, "id", ""), plan);
    publishUsage(ctx);
    return reply(201, std::move(plan));
  });
  routes.add(verb::get, "usageplans", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    std::string keyId = call.queryParam("keyId").value_or("");
    std::vector<bj::object> items;
    for (auto& p : listDocs(ctx, kUsagePlan, "")) {
      if (!keyId.empty() && !loadDoc(ctx, kUsagePlanKey, json::strOr(p, "id", ""), keyId)) continue;
      items.push_back(std::move(p));
    }
    return pagedList(call, std::move(items));
  });
  routes.add(verb::get, "usageplans/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto plan = loadPlan(ctx, call.params[0]);
    if (!plan) return plan.takeError();
    return reply(200, std::move(plan).value());
  });
  routes.add(verb::patch, "usageplans/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto plan = loadPlan(ctx, call.params[0]);
    if (!plan) return plan.takeError();
    bj::object updated = *plan;
    if (auto st = patchPlan(updated, *body); !st) return st.takeError();
    if (auto st = validatePlan(ctx, updated); !st) return st.takeError();
    saveDoc(ctx, kUsagePlan, "", call.params[0], updated);
    publishUsage(ctx);
    return reply(200, std::move(updated));
  });
  routes.add(verb::delete_, "usageplans/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto plan = loadPlan(ctx, call.params[0]); !plan) return plan.takeError();
    ctx.store.transaction([&] {
      ctx.store.removeScope(call.params[0]);  // its keys and usage
      ctx.store.remove(kUsagePlan, "", call.params[0]);
    });
    publishUsage(ctx);
    return AdminReply{202, std::nullopt};
  });

  routes.add(verb::post, "usageplans/{}/keys", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    if (auto plan = loadPlan(ctx, call.params[0]); !plan) return plan.takeError();
    if (json::strOr(*body, "keyType", "API_KEY") != "API_KEY") {
      return ApiError::badRequest("Invalid key type specified. Valid options are API_KEY");
    }
    std::string keyId = json::strOr(*body, "keyId", "");
    auto key = loadDoc(ctx, kApiKey, "", keyId);
    if (!key) return ApiError::notFound("Invalid API Key identifier specified");
    if (loadDoc(ctx, kUsagePlanKey, call.params[0], keyId)) {
      return ApiError::conflict("Usage Plan " + call.params[0] + " cannot be added because API Key " + keyId +
                                " cannot reference multiple Usage Plans with the same API Stage");
    }
    saveDoc(ctx, kUsagePlanKey, call.params[0], keyId, bj::object{{"id", keyId}, {"type", "API_KEY"}});
    publishUsage(ctx);
    return reply(201, bj::object{{"id", keyId},
                                 {"type", "API_KEY"},
                                 {"value", json::strOr(*key, "value", "")},
                                 {"name", json::strOr(*key, "name", "")}});
  });
  auto describeKey = [&ctx](const std::string& keyId) {
    auto key = loadDoc(ctx, kApiKey, "", keyId);
    return bj::object{{"id", keyId},
                      {"type", "API_KEY"},
                      {"value", key ? json::strOr(*key, "value", "") : ""},
                      {"name", key ? json::strOr(*key, "name", "") : ""}};
  };
  routes.add(verb::get, "usageplans/{}/keys", [&ctx, describeKey](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto plan = loadPlan(ctx, call.params[0]); !plan) return plan.takeError();
    std::vector<bj::object> items;
    for (const auto& pk : listDocs(ctx, kUsagePlanKey, call.params[0])) {
      items.push_back(describeKey(json::strOr(pk, "id", "")));
    }
    return pagedList(call, std::move(items));
  });
  routes.add(verb::get, "usageplans/{}/keys/{}", [&ctx, describeKey](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto plan = loadPlan(ctx, call.params[0]); !plan) return plan.takeError();
    if (!loadDoc(ctx, kUsagePlanKey, call.params[0], call.params[1])) {
      return ApiError::notFound("Invalid Usage Plan Key specified");
    }
    return reply(200, describeKey(call.params[1]));
  });
  routes.add(verb::delete_, "usageplans/{}/keys/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto plan = loadPlan(ctx, call.params[0]); !plan) return plan.takeError();
    if (!ctx.store.remove(kUsagePlanKey, call.params[0], call.params[1])) {
      return ApiError::notFound("Invalid Usage Plan Key specified");
    }
    publishUsage(ctx);
    return AdminReply{202, std::nullopt};
  });
  // UpdateUsage: {"op": "replace", "path": "/remaining", "value": N} sets what the key has left of
  // the quota period it is in (a temporary extension when N is above the limit).
  routes.add(verb::patch, "usageplans/{}/keys/{}/usage", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::optional<std::int64_t> remaining;
    if (const bj::value* ops = body->if_contains("patchOperations"); ops && ops->is_array()) {
      for (const auto& op : ops->get_array()) {
        if (!op.is_object()) return ApiError::badRequest("Invalid patch operation specified");
        const std::string name = json::strOr(op.get_object(), "op", "");
        const std::string path = json::strOr(op.get_object(), "path", "");
        if (name != "replace" || path != "/remaining") {
          return ApiError::badRequest("Invalid patch path " + path.substr(0, 200) + " specified for op " +
                                      name.substr(0, 20) + ". Must be one of: [/remaining]");
        }
        const std::string value = json::strOr(op.get_object(), "value", "");
        auto n = parseNumber<std::int64_t>(value);
        if (!n || *n < 0) return ApiError::badRequest("Invalid remaining value specified: " + value.substr(0, 40));
        remaining = *n;
      }
    }
    if (!remaining) return ApiError::badRequest("Specify the remaining quota: replace /remaining");
    std::lock_guard lock(ctx.mu);
    auto plan = loadPlan(ctx, call.params[0]);
    if (!plan) return plan.takeError();
    if (!loadDoc(ctx, kUsagePlanKey, call.params[0], call.params[1])) {
      return ApiError::notFound("Invalid Usage Plan Key specified");
    }
    const std::optional<gateway::Quota> quota = planQuota(*plan);
    if (!quota) return ApiError::badRequest("Usage plan " + call.params[0] + " has no quota to update");
    const auto now = ctx.clock.now();
    const std::int64_t used = ctx.quotas.setRemaining(call.params[0], call.params[1], *quota, *remaining, now);
    ctx.quotas.flush();  // acknowledged: in the store before the answer
    const std::string today = gateway::QuotaCounters::dayOf(now);
    return reply(
        200, bj::object{{"usagePlanId", call.params[0]},
                        {"startDate", today},
                        {"endDate", today},
                        {"values", bj::object{{call.params[1],
                                               bj::array{bj::array{std::max<std::int64_t>(0, used), *remaining}}}}}});
  });
  routes.add(verb::get, "usageplans/{}/usage", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto plan = loadPlan(ctx, call.params[0]);
    if (!plan) return plan.takeError();
    return getUsage(ctx, call, *plan);
  });
}

}  // namespace portico::control::apigateway
