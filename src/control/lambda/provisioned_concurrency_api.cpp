// Provisioned concurrency: Put / Get / Delete / ListProvisionedConcurrencyConfig(s)
// (/2019-09-30/functions/{name}/provisioned-concurrency, ?Qualifier= a version or an alias;
// ?List=ALL lists). Stored in the function's document by qualifier ("provisioned"); the runtime
// (functions/provisioner.h) keeps the environments, and its counts make the status: IN_PROGRESS
// until every requested environment has finished its init, then READY.
// https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "common/parse_number.h"
#include "control/lambda/lambda_context.h"
#include "control/lambda/versions.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kKey = "provisioned";  // qualifier → {"Requested", "LastModified"}

ApiError noConfig() {
  return ApiError::lambda("ProvisionedConcurrencyConfigNotFoundException", 404,
                          "No Provisioned Concurrency Config found for this function");
}

/// The call's qualifier, which must name a version or an alias of the function (for a new
/// configuration, a published one).
Result<std::string> qualifierOf(LambdaContext& ctx, const functions::FunctionRef& ref, bool forNew = false) {
  if (ref.qualifier.empty()) {
    return validationError(
        "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be "
        "null");
  }
  if (ref.qualifier == "$LATEST" && forNew) {
    return invalidParameter("Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
  }
  auto version = resolveQualifierVersion(ctx, ref);
  if (!version) return version.takeError();
  if (*version == "$LATEST" && forNew) {  // (or an alias of it)
    return invalidParameter("Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
  }
  return ref.qualifier;
}

/// Every function's provisioned executions, summed (but function:qualifier's).
std::int64_t provisionedTotal(LambdaContext& ctx, const std::string& function, const std::string& qualifier,
                              std::int64_t* ofFunction) {
  std::int64_t total = 0;
  for (auto& d : ctx.store.list(functions::kFunctionKind, "")) {
    auto doc = json::parseObject(d.body);
    const bj::object* all = doc ? json::obj(*doc, kKey) : nullptr;
    if (!all) continue;
    for (const auto& [q, config] : *all) {
      if (d.id == function && q == qualifier) continue;
      const bj::value* n = config.is_object() ? config.get_object().if_contains("Requested") : nullptr;
      if (!n || !n->is_int64()) continue;
      total += n->get_int64();
      if (d.id == function && ofFunction) *ofFunction += n->get_int64();
    }
  }
  return total;
}

bj::object published(LambdaContext& ctx, const std::string& function, const std::string& qualifier,
                     const bj::object& stored, bool withArn) {
  const std::int64_t requested = stored.at("Requested").as_int64();
  functions::ProvisionedState state;
  if (ctx.provisioner) state = ctx.provisioner->provisioned(function, qualifier);
  const std::int64_t available = std::min<std::int64_t>(state.available, requested);
  bj::object out;
  if (withArn) out["FunctionArn"] = ctx.catalog.functionArn(function, qualifier);
  out["RequestedProvisionedConcurrentExecutions"] = requested;
  out["AvailableProvisionedConcurrentExecutions"] = available;
  out["AllocatedProvisionedConcurrentExecutions"] = std::min<std::int64_t>(state.allocated, requested);
  out["Status"] = available >= requested ? "READY" : "IN_PROGRESS";
  if (!state.failure.empty() && available < requested) out["StatusReason"] = state.failure;
  out["LastModified"] = stored.at("LastModified");
  return out;
}

Result<AdminReply> put(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  auto body = call.json();
  if (!body) return body.takeError();
  const bj::value* n = body->if_contains("ProvisionedConcurrentExecutions");
  if (!n || !n->is_int64() || n->get_int64() < 1) {
    return validationError("1 validation error detected: Value '" + (n ? bj::serialize(*n) : std::string("null")) +
                           "' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have "
                           "value greater than or equal to 1");
  }
  const std::int64_t requested = n->get_int64();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  auto qualifier = qualifierOf(ctx, *ref, true);
  if (!qualifier) return qualifier.takeError();
  std::int64_t ofFunction = 0;
  const std::int64_t elsewhere = provisionedTotal(ctx, ref->name, *qualifier, &ofFunction);
  if (auto* r = doc->if_contains("reserved"); r && r->is_int64() && ofFunction + requested > r->get_int64()) {
    return invalidParameter(
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function");
  }
  const std::int64_t room = ctx.account ? ctx.account->limit() - ctx.account->unreservedMinimum() : 0;
  if (ctx.account && elsewhere + requested > room) {
    return invalidParameter(
        "Specified ConcurrentExecutions for function is greater than account's unreserved "
        "concurrency [" +
        std::to_string(std::max<std::int64_t>(0, room - elsewhere)) + "].");
  }
  bj::object stored{{"Requested", requested}, {"LastModified", ctx.lastModifiedNow()}};
  json::objAt(*doc, kKey)[*qualifier] = stored;
  saveFunction(ctx, ref->name, *doc);
  if (ctx.provisioner) ctx.provisioner->provision(ref->name, *qualifier, static_cast<int>(requested));
  bj::object out = published(ctx, ref->name, *qualifier, stored, false);
  out["Status"] = "IN_PROGRESS";  // (Lambda answers the request before anything starts)
  return jsonReply(202, std::move(out));
}

Result<AdminReply> get(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  if (call.queryParam("List").value_or("") == "ALL") {
    bj::array configs;
    if (const bj::object* all = json::obj(*doc, kKey)) {
      for (const auto& [q, stored] : *all) {
        if (stored.is_object()) configs.push_back(published(ctx, ref->name, std::string(q), stored.get_object(), true));
      }
    }
    return jsonReply(200, bj::object{{"ProvisionedConcurrencyConfigs", std::move(configs)}});
  }
  auto qualifier = qualifierOf(ctx, *ref);
  if (!qualifier) return qualifier.takeError();
  const bj::object* all = json::obj(*doc, kKey);
  const bj::object* stored = all ? json::obj(*all, *qualifier) : nullptr;
  if (!stored) return noConfig();
  return jsonReply(200, published(ctx, ref->name, *qualifier, *stored, false));
}

Result<AdminReply> remove(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  auto qualifier = qualifierOf(ctx, *ref);
  if (!qualifier) return qualifier.takeError();
  const bj::object* all = json::obj(*doc, kKey);
  if (!all || !all->contains(*qualifier)) return noConfig();
  endProvisionedConcurrency(ctx, *doc, ref->name, *qualifier);
  saveFunction(ctx, ref->name, *doc);
  return noContent();
}

}  // namespace

void endProvisionedConcurrency(LambdaContext& ctx, bj::object& doc, const std::string& function,
                               std::optional<std::string> qualifier) {
  bj::object* all = json::obj(doc, kKey);
  if (!all) return;
  std::vector<std::string> gone;
  for (const auto& [q, stored] : *all) {
    if (qualifier && q != *qualifier) continue;
    gone.emplace_back(q);
  }
  for (const auto& q : gone) {
    if (ctx.provisioner) ctx.provisioner->provision(function, q, 0);
    all->erase(q);
  }
}

void publishProvisionedConcurrency(LambdaContext& ctx) {
  if (!ctx.provisioner) return;
  for (auto& d : ctx.store.list(functions::kFunctionKind, "")) {
    auto doc = json::parseObject(d.body);
    const bj::object* all = doc ? json::obj(*doc, kKey) : nullptr;
    if (!all) continue;
    for (const auto& [q, stored] : *all) {
      const bj::value* n = stored.is_object() ? stored.get_object().if_contains("Requested") : nullptr;
      if (n && n->is_int64()) ctx.provisioner->provision(d.id, std::string(q), static_cast<int>(n->get_int64()));
    }
  }
}

void registerProvisionedConcurrencyRoutes(RouteTable& routes, LambdaContext& ctx) {
  constexpr const char* kPath = "2019-09-30/functions/{}/provisioned-concurrency";
  routes.add(verb::put, kPath, [&ctx](const AdminCall& c) { return put(ctx, c); });
  routes.add(verb::get, kPath, [&ctx](const AdminCall& c) { return get(ctx, c); });
  routes.add(verb::delete_, kPath, [&ctx](const AdminCall& c) { return remove(ctx, c); });
}

}  // namespace portico::control::lambda
