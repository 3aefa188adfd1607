// API key operations: CreateApiKey, GetApiKeys, GetApiKey, UpdateApiKey, DeleteApiKey and
// ImportApiKeys (CSV). Values are shown only with includeValue(s)=true. Every change is
// published to the data plane at once (no redeploy), as on AWS.
// https://docs.aws.amazon.com/apigateway/latest/api/API_ApiKey.html
#include <boost/json.hpp>
#include <sstream>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/input_limits.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kApiKeyFields[] = {
    {"/name", FieldKind::kString, "name"},
    {"/description", FieldKind::kString, "description"},
    {"/enabled", FieldKind::kBool, "enabled"},
    {"/customerId", FieldKind::kString, "customerId"},
    {"/stages", FieldKind::kStringList, "stageKeys"},
};

bj::object visible(bj::object key, bool includeValue) {
  if (!includeValue) key.erase("value");
  return key;
}

Status checkValue(std::string_view value) {
  if (value.size() < 20 || value.size() > 128) {
    return ApiError::badRequest("API Key value should be at least 20 characters");
  }
  return Ok{};
}

Result<bj::object> newKey(ApiGatewayContext& ctx, const bj::object& body) {
  bj::object key{{"id", ctx.ids.alnum(10)},
                 {"name", json::strOr(body, "name", "")},
                 {"enabled", false},
                 {"createdDate", ctx.nowEpochSeconds()},
                 {"lastUpdatedDate", ctx.nowEpochSeconds()},
                 {"stageKeys", bj::array()}};
  std::string value = json::strOr(body, "value", "");
  if (value.empty()) {
    value = ctx.ids.alnum(40);
  } else if (auto st = checkValue(value); !st) {
    return st.takeError();
  }
  for (const auto& d : listDocs(ctx, kApiKey, "")) {
    if (json::strOr(d, "value", "") == value) return ApiError::conflict("API Key already exists");
  }
  key["value"] = value;
  if (auto* e = body.if_contains("enabled"); e && e->is_bool()) key["enabled"] = *e;
  for (auto field : {"description", "customerId"}) {
    if (auto s = json::str(body, field)) key[field] = *s;
  }
  if (auto* tags = json::obj(body, "tags")) key["tags"] = *tags;
  if (auto st = checkNameAndDescription(key, "API Key"); !st) return st.takeError();
  if (auto* stages = body.if_contains("stageKeys"); stages && stages->is_array()) {
    auto& out = key["stageKeys"].as_array();
    for (const auto& sk : stages->get_array()) {
      if (!sk.is_object()) continue;
      std::string apiId = json::strOr(sk.get_object(), "restApiId", "");
      if (auto api = loadApi(ctx, apiId); !api) return api.takeError();
      out.emplace_back(apiId + "/" + json::strOr(sk.get_object(), "stageName", ""));
    }
  }
  return key;
}

Result<bj::object> loadKey(ApiGatewayContext& ctx, const std::string& id) {
  auto doc = loadDoc(ctx, kApiKey, "", id);
  if (!doc) return ApiError::notFound("Invalid API Key identifier specified");
  return std::move(*doc);
}

/// One CSV line split on commas (AWS's import format has no quoting needs for its fields).
std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) {
    while (!field.empty() && (field.back() == '\r' || field.back() == ' ')) field.pop_back();
    while (!field.empty() && field.front() == ' ') field.erase(0, 1);
    out.push_back(field);
  }
  return out;
}

/// ImportApiKeys: a CSV with a header naming key, name, description, enabled, usageplanIds.
Result<AdminReply> importKeys(ApiGatewayContext& ctx, const AdminCall& call) {
  if (call.queryParam("format").value_or("") != "csv") {
    return ApiError::badRequest("Invalid format specified. Valid options are csv");
  }
  std::istringstream in{std::string(call.body)};
  std::string line;
  if (!std::getline(in, line)) return ApiError::badRequest("Invalid API keys file: no header line");
  auto header = csvFields(line);
  for (auto& h : header) {
    for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto column = [&](std::string_view name) -> int {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  int keyCol = column("key"), nameCol = column("name"), descCol = column("description"), enabledCol = column("enabled"),
      plansCol = column("usageplanids");
  if (keyCol < 0) return ApiError::badRequest("Invalid API keys file: the header must name a 'key' column");
  bool failOnWarnings = call.queryParam("failonwarnings").value_or("false") == "true";
  bj::array ids, warnings;
  std::vector<std::pair<bj::object, std::vector<std::string>>> created;
  int lineNo = 1;
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.empty() || line == "\r") continue;
    auto f = csvFields(line);
    auto at = [&](int col) { return col >= 0 && col < static_cast<int>(f.size()) ? f[col] : std::string(); };
    bj::object body{{"value", at(keyCol)}, {"name", at(nameCol)}};
    if (!at(descCol).empty()) body["description"] = at(descCol);
    body["enabled"] = at(enabledCol) == "true" || at(enabledCol) == "TRUE";
    auto key = newKey(ctx, body);
    if (!key) {
      if (failOnWarnings) return key.takeError();
      warnings.emplace_back("line " + std::to_string(lineNo) + ": " + key.error().message);
      continue;
    }
    std::vector<std::string> plans;
    std::istringstream planList(at(plansCol));
    for (std::string p; std::getline(planList, p, ':');) {
      if (!p.empty()) plans.push_back(p);
    }
    created.emplace_back(std::move(key).value(), std::move(plans));
  }
  ctx.store.transaction([&] {
    for (auto& [key, plans] : created) {
      std::string id = json::strOr(key, "id", "");
      saveDoc(ctx, kApiKey, "", id, key);
      for (const auto& plan : plans) {
        if (loadDoc(ctx, kUsagePlan, "", plan)) {
          saveDoc(ctx, kUsagePlanKey, plan, id, bj::object{{"id", id}, {"type", "API_KEY"}});
        }
      }
      ids.emplace_back(id);
    }
  });
  publishUsage(ctx);
  return AdminReply{201, bj::value(bj::object{{"ids", std::move(ids)}, {"warnings", std::move(warnings)}})};
}

}  // namespace

void registerApiKeyRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "apikeys", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (call.queryParam("mode").value_or("") == "import") return importKeys(ctx, call);
    auto body = call.json();
    if (!body) return body.takeError();
    auto key = newKey(ctx, *body);
    if (!key) return key.takeError();
    saveDoc(ctx, kApiKey, "", json::strOr(*key, "id", ""), *key);
    publishUsage(ctx);
    return reply(201, std::move(key).value());
  });
  routes.add(verb::get, "apikeys", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    bool values = call.queryParam("includeValues").value_or("false") == "true";
    std::string nameQuery = call.queryParam("name").value_or("");
    std::string customer = call.queryParam("customerId").value_or("");
    std::vector<bj::object> items;
    for (auto& k : listDocs(ctx, kApiKey, "")) {
      if (!nameQuery.empty() && !json::strOr(k, "name", "").starts_with(nameQuery)) continue;
      if (!customer.empty() && json::strOr(k, "customerId", "") != customer) continue;
      items.push_back(visible(std::move(k), values));
    }
    return pagedList(call, std::move(items));
  });
  routes.add(verb::get, "apikeys/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto key = loadKey(ctx, call.params[0]);
    if (!key) return key.takeError();
    return reply(200, visible(std::move(key).value(), call.queryParam("includeValue").value_or("false") == "true"));
  });
  routes.add(verb::patch, "apikeys/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    auto key = loadKey(ctx, call.params[0]);
    if (!key) return key.takeError();
    bj::object updated = *key;
    if (auto st = applyPatch(updated, *body, kApiKeyFields); !st) return st.takeError();
    if (auto st = checkNameAndDescription(updated, "API Key"); !st) return st.takeError();
    updated["lastUpdatedDate"] = ctx.nowEpochSeconds();
    saveDoc(ctx, kApiKey, "", call.params[0], updated);
    publishUsage(ctx);
    return reply(200, visible(std::move(updated), false));
  });
  routes.add(verb::delete_, "apikeys/{}", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    if (auto key = loadKey(ctx, call.params[0]); !key) return key.takeError();
    ctx.store.transaction([&] {
      ctx.store.remove(kApiKey, "", call.params[0]);
      for (const auto& plan : listDocs(ctx, kUsagePlan, "")) {
        ctx.store.remove(kUsagePlanKey, json::strOr(plan, "id", ""), call.params[0]);
      }
    });
    publishUsage(ctx);
    return AdminReply{202, std::nullopt};
  });
}

}  // namespace portico::control::apigateway
