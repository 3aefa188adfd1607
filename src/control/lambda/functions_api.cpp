// Function operations: CreateFunction, GetFunction, GetFunctionConfiguration,
// ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction,
// and reserved concurrency (Put/Get/DeleteFunctionConcurrency).
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/function_configuration.h"
#include "control/lambda/function_urls.h"
#include "control/lambda/lambda_context.h"
#include "control/lambda/layers.h"
#include "control/lambda/s3_code.h"
#include "control/lambda/versions.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

bj::object& configOf(bj::object& doc) {
  return json::objAt(doc, "config");
}

/// The function's Layers in its configuration (none: no "Layers", as Lambda answers) and their
/// code store keys and unpacked size in its document.
void setLayers(bj::object& doc, FunctionLayers& layers) {
  bj::object& config = configOf(doc);
  if (layers.layers.empty()) {
    config.erase("Layers");
    doc.erase("layerHexes");
    doc.erase("layerBytes");
    return;
  }
  config["Layers"] = std::move(layers.layers);
  doc["layerHexes"] = std::move(layers.hexes);
  doc["layerBytes"] = static_cast<std::int64_t>(layers.unpackedBytes);
}

std::uint64_t layerBytesOf(const bj::object& doc) {
  const bj::value* b = doc.if_contains("layerBytes");
  return b && b->is_int64() && b->get_int64() > 0 ? static_cast<std::uint64_t>(b->get_int64()) : 0;
}

Result<AdminReply> createFunction(LambdaContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  auto name = json::strOr(*body, "FunctionName", "");
  auto ref = ctx.catalog.parseRef(name);
  if (!ref) return ref.takeError();
  if (!ref->qualifier.empty()) return invalidParameter("Qualifiers are not allowed in a new function's name");
  if (json::strOr(*body, "PackageType", "Zip") != "Zip") {
    return invalidParameter("Container image functions are not supported by Portico");
  }
  if (ctx.store.get(functions::kFunctionKind, "", ref->name)) {
    return resourceConflict("Function already exist: " + ref->name);
  }
  bj::object config{{"FunctionName", ref->name},
                    {"FunctionArn", ctx.catalog.functionArn(ref->name)},
                    {"Description", ""},
                    {"Timeout", 3},
                    {"MemorySize", 128},
                    {"Version", "$LATEST"},
                    {"PackageType", "Zip"},
                    {"Architectures", bj::array{"x86_64"}},
                    {"EphemeralStorage", bj::object{{"Size", 512}}},
                    {"TracingConfig", bj::object{{"Mode", "PassThrough"}}},
                    {"SnapStart", bj::object{{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}}},
                    {"LoggingConfig", bj::object{{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/" + ref->name}}}};
  if (auto st = applyConfiguration(config, *body, true); !st) return st.takeError();
  const bj::object* code = json::obj(*body, "Code");
  if (!code) return invalidParameter("Please provide a source for function code.");
  auto hex = storeZip(ctx, config, *code);  // before the lock: unpacking a big zip takes seconds
  if (!hex) return hex.takeError();
  FunctionLayers layers;
  if (const bj::value* l = body->if_contains("Layers"); l && !l->is_null()) {
    auto resolved = resolveFunctionLayers(ctx, *l);
    if (!resolved) return resolved.takeError();
    layers = std::move(*resolved);
  }
  if (auto st = checkUnzippedSize(ctx, *hex, layers.unpackedBytes); !st) return st.takeError();
  if (auto st = extractLayers(ctx, layers); !st) return st.takeError();
  std::lock_guard lock(ctx.mu);
  if (ctx.store.get(functions::kFunctionKind, "", ref->name)) {
    return resourceConflict("Function already exist: " + ref->name);
  }
  touch(ctx, config);
  bj::object doc{{"config", config}, {"codeHex", *hex}, {"nextVersion", 1}};
  setLayers(doc, layers);
  if (auto* tags = json::obj(*body, "Tags")) doc["tags"] = *tags;
  bj::object out = publicConfiguration(ctx, configOf(doc));
  ctx.store.transaction([&] {
    saveFunction(ctx, ref->name, doc);
    if (auto* p = body->if_contains("Publish"); p && p->is_bool() && p->get_bool()) {
      auto version = publishVersion(ctx, ref->name, doc, "");
      if (version) {
        out = publicConfiguration(ctx, *version);
        out["FunctionArn"] = ctx.catalog.functionArn(ref->name);  // (Lambda answers the unqualified ARN)
      }
    }
  });
  // A new function is Pending until its first environment could start; Portico is ready at once,
  // but answers as Lambda does so clients that wait for Active behave the same.
  out["State"] = "Pending";
  out["StateReason"] = "The function is being created.";
  out["StateReasonCode"] = "Creating";
  return jsonReply(201, std::move(out));
}

Result<bj::object> configurationFor(LambdaContext& ctx, const functions::FunctionRef& ref, bj::object& doc) {
  if (ref.qualifier.empty() || ref.qualifier == "$LATEST") return configOf(doc);
  auto version = resolveQualifierVersion(ctx, ref);
  if (!version) return version.takeError();
  if (*version == "$LATEST") return configOf(doc);
  auto vdoc = ctx.store.get(functions::kVersionKind, functions::versionScope(ref.name), *version);
  if (!vdoc) return ctx.catalog.notFound(ref);
  auto v = json::parseObject(vdoc->body);
  if (!v) return ctx.catalog.notFound(ref);
  return configOf(*v);
}

Result<AdminReply> getFunction(LambdaContext& ctx, const AdminCall& call, bool configurationOnly) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  auto config = configurationFor(ctx, *ref, *doc);
  if (!config) return config.takeError();
  bj::object out = ref->qualifier == "$LATEST" ? latestConfiguration(ctx, *config) : publicConfiguration(ctx, *config);
  if (configurationOnly) return jsonReply(200, std::move(out));
  bj::object reply{{"Configuration", std::move(out)},
                   {"Code", bj::object{{"RepositoryType", "S3"},
                                       {"Location", codeLocation(ctx, json::strOr(*doc, "codeHex", ""))}}}};
  if (auto* tags = json::obj(*doc, "tags")) reply["Tags"] = *tags;
  if (auto* r = doc->if_contains("reserved"); r && r->is_int64()) {
    reply["Concurrency"] = bj::object{{"ReservedConcurrentExecutions", *r}};
  }
  return jsonReply(200, std::move(reply));
}

Result<AdminReply> listFunctions(LambdaContext& ctx, const AdminCall& call) {
  auto page = listPage(call, 50, 10000);
  if (!page) return page.takeError();
  bool all = call.queryParam("FunctionVersion").value_or("") == "ALL";
  std::lock_guard lock(ctx.mu);
  std::vector<bj::value> items;
  for (auto& d : ctx.store.list(functions::kFunctionKind, "")) {
    auto doc = json::parseObject(d.body);
    if (!doc) continue;
    items.emplace_back(all ? latestConfiguration(ctx, configOf(*doc)) : publicConfiguration(ctx, configOf(*doc)));
    if (all) {
      for (auto& v : ctx.store.list(functions::kVersionKind, functions::versionScope(d.id))) {
        if (auto vd = json::parseObject(v.body)) items.emplace_back(publicConfiguration(ctx, configOf(*vd)));
      }
    }
  }
  return jsonReply(200, pagedItems("Functions", std::move(items), *page));
}

/// Lambda reports an update as in progress, even though Portico applies it at once.
bj::object& markUpdateInProgress(bj::object& out) {
  out["LastUpdateStatus"] = "InProgress";
  out["LastUpdateStatusReason"] = "The function is being created.";
  out["LastUpdateStatusReasonCode"] = "Creating";
  return out;
}

/// Only $LATEST changes: a qualified name (a version or an alias) is refused as Lambda refuses it.
Status unqualifiedForUpdate(const functions::FunctionRef& ref) {
  if (ref.qualifier.empty() || ref.qualifier == "$LATEST") return Ok{};
  return invalidParameter("Unsupported qualifier " + ref.qualifier.substr(0, 128) +
                          ": only $LATEST can be updated; publish a version to change what a version runs");
}

Result<AdminReply> updateCode(LambdaContext& ctx, const AdminCall& call) {
  // The zip is stored (and unpacked: seconds for a big one) before the function's lock is taken,
  // so other management calls never wait on it; the store is content-addressed.
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  if (auto st = unqualifiedForUpdate(*ref); !st) return st.takeError();
  if (auto exists = loadFunction(ctx, *ref); !exists) return exists.takeError();
  auto body = call.json();
  if (!body) return body.takeError();
  bj::object stored;
  auto hex = storeZip(ctx, stored, *body);
  if (!hex) return hex.takeError();
  auto u = beginFunctionUpdate(ctx, call);
  if (!u) return u.takeError();
  if (auto st = checkUnzippedSize(ctx, *hex, layerBytesOf(u->doc)); !st) return st.takeError();
  bj::object& config = u->config();
  config["CodeSha256"] = stored["CodeSha256"];
  config["CodeSize"] = stored["CodeSize"];
  if (auto* dry = u->body.if_contains("DryRun"); dry && dry->is_bool() && dry->get_bool()) {
    return jsonReply(200, publicConfiguration(ctx, config));
  }
  u->doc["codeHex"] = *hex;
  touch(ctx, config);
  bj::object out = publicConfiguration(ctx, config);
  ctx.store.transaction([&] {
    saveFunction(ctx, u->ref.name, u->doc);
    if (auto* p = u->body.if_contains("Publish"); p && p->is_bool() && p->get_bool()) {
      auto version = publishVersion(ctx, u->ref.name, u->doc, "");
      if (version) out = publicConfiguration(ctx, *version);
    }
  });
  return jsonReply(200, std::move(markUpdateInProgress(out)));
}

Result<AdminReply> updateConfiguration(LambdaContext& ctx, const AdminCall& call) {
  // New Layers are checked and their /opt extracted before the function's lock is taken (should
  // the code change meanwhile, the size is checked again under it).
  std::optional<FunctionLayers> layers;
  std::string checkedCode;
  {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    if (auto st = unqualifiedForUpdate(*ref); !st) return st.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    if (const bj::value* l = body->if_contains("Layers"); l && !l->is_null()) {
      auto current = loadFunction(ctx, *ref);
      if (!current) return current.takeError();
      auto resolved = resolveFunctionLayers(ctx, *l);
      if (!resolved) return resolved.takeError();
      checkedCode = json::strOr(*current, "codeHex", "");
      if (auto st = checkUnzippedSize(ctx, checkedCode, resolved->unpackedBytes); !st) return st.takeError();
      if (auto st = extractLayers(ctx, *resolved); !st) return st.takeError();
      layers = std::move(*resolved);
    }
  }
  auto u = beginFunctionUpdate(ctx, call);
  if (!u) return u.takeError();
  bj::object updated = u->config();
  if (auto st = applyConfiguration(updated, u->body, false); !st) return st.takeError();
  if (const std::string code = json::strOr(u->doc, "codeHex", ""); layers && code != checkedCode) {
    if (auto st = checkUnzippedSize(ctx, code, layers->unpackedBytes); !st) return st.takeError();
  }
  touch(ctx, updated);
  u->config() = updated;
  if (layers) setLayers(u->doc, *layers);
  updated = u->config();
  saveFunction(ctx, u->ref.name, u->doc);
  bj::object out = publicConfiguration(ctx, updated);
  return jsonReply(200, std::move(markUpdateInProgress(out)));
}

Result<AdminReply> deleteFunction(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  if (ref->qualifier == "$LATEST") {
    return invalidParameter("$LATEST version cannot be deleted without deleting the function.");
  }
  if (!ref->qualifier.empty()) {
    if (auto st = deleteVersion(ctx, *ref); !st) return st.takeError();
    bj::object* provisioned = json::obj(*doc, "provisioned");
    if (provisioned && provisioned->contains(ref->qualifier)) {
      endProvisionedConcurrency(ctx, *doc, ref->name, ref->qualifier);
      saveFunction(ctx, ref->name, *doc);
    }
    return noContent();
  }
  endProvisionedConcurrency(ctx, *doc, ref->name);
  ctx.store.transaction([&] {
    deleteFunctionUrls(ctx, *doc);
    ctx.store.removeScope(functions::versionScope(ref->name));
    ctx.store.remove(functions::kFunctionKind, "", ref->name);
  });
  ctx.logs.forget(ref->name);
  publishReservedConcurrency(ctx);
  return noContent();
}

/// Every function's reserved concurrency, summed (but `except`'s).
std::int64_t reservedTotal(LambdaContext& ctx, std::string_view except = {}) {
  std::int64_t total = 0;
  for (auto& d : ctx.store.list(functions::kFunctionKind, "")) {
    if (d.id == except) continue;
    if (auto doc = json::parseObject(d.body)) {
      if (auto* r = doc->if_contains("reserved"); r && r->is_int64()) total += r->get_int64();
    }
  }
  return total;
}

/// GetAccountSettings: the account's limits and usage.
Result<AdminReply> accountSettings(LambdaContext& ctx) {
  std::lock_guard lock(ctx.mu);
  std::int64_t functions = 0, codeBytes = 0;
  for (auto& d : ctx.store.list(functions::kFunctionKind, "")) {
    ++functions;
    if (auto doc = json::parseObject(d.body)) {
      if (auto* config = json::obj(*doc, "config"); config) {
        if (auto* size = config->if_contains("CodeSize"); size && size->is_int64()) codeBytes += size->get_int64();
      }
    }
  }
  bj::object limit{{"TotalCodeSize", std::int64_t{80530636800}},
                   {"CodeSizeUnzipped", 262144000},
                   {"CodeSizeZipped", 52428800},
                   {"ConcurrentExecutions", ctx.account->limit()},
                   {"UnreservedConcurrentExecutions", ctx.account->unreserved()}};
  bj::object usage{{"TotalCodeSize", codeBytes}, {"FunctionCount", functions}};
  return jsonReply(200, bj::object{{"AccountLimit", std::move(limit)}, {"AccountUsage", std::move(usage)}});
}

Result<AdminReply> putConcurrency(LambdaContext& ctx, const AdminCall& call) {
  auto ref = refFrom(ctx, call);
  if (!ref) return ref.takeError();
  auto body = call.json();
  if (!body) return body.takeError();
  auto* n = body->if_contains("ReservedConcurrentExecutions");
  if (!n || !n->is_int64() || n->get_int64() < 0) {
    return validationError(
        "1 validation error detected: Value at 'reservedConcurrentExecutions' failed to satisfy "
        "constraint: Member must have value greater than or equal to 0");
  }
  std::lock_guard lock(ctx.mu);
  auto doc = loadFunction(ctx, *ref);
  if (!doc) return doc.takeError();
  // Lambda keeps some executions (100) unreserved for everything else.
  std::int64_t reservedElsewhere = reservedTotal(ctx, ref->name);
  if (n->get_int64() + reservedElsewhere > ctx.account->limit() - ctx.account->unreservedMinimum()) {
    return invalidParameter(
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [" +
        std::to_string(ctx.account->unreservedMinimum()) + "].");
  }
  (*doc)["reserved"] = n->get_int64();
  saveFunction(ctx, ref->name, *doc);
  publishReservedConcurrency(ctx);
  return jsonReply(200, bj::object{{"ReservedConcurrentExecutions", n->get_int64()}});
}

/// CreateFunction / UpdateFunctionCode with the code in S3: the zip is fetched first (asynchronously,
/// on the caller's loop), then `next` sees it as ZipFile. Anything else goes to `next` as it came.
AsyncAdminOperation withS3Code(LambdaContext& ctx, bool create, AsyncAdminOperation next) {
  return [&ctx, create, next = std::move(next)](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
    auto body = call.json();
    bj::object* code = nullptr;
    if (body) code = create ? json::obj(*body, "Code") : &*body;
    if (!code || (!code->contains("S3Bucket") && !code->contains("S3Key"))) co_return co_await next(call);
    std::string role = json::strOr(*body, "Role", "");
    if (!create) {  // the function's own role
      auto ref = refFrom(ctx, call);
      if (!ref) co_return ref.takeError();
      std::lock_guard lock(ctx.mu);
      auto doc = loadFunction(ctx, *ref);
      if (!doc) co_return doc.takeError();
      if (auto* config = json::obj(*doc, "config")) role = json::strOr(*config, "Role", "");
    }
    const unsigned worker = call.conn ? call.conn->workerIndex : 0;  // (no ?: inside a co_await: GCC 12)
    auto inlined = co_await inlineS3Code(ctx, *code, role, worker);
    if (!inlined) co_return inlined.takeError();
    const std::string rewritten = bj::serialize(*body);
    AdminCall withZip = call;
    withZip.body = rewritten;
    co_return co_await next(withZip);
  };
}

}  // namespace

void registerFunctionRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.addAsync(verb::post, "2015-03-31/functions",
                  withS3Code(ctx, true, offloaded(ctx, [&ctx](const AdminCall& c) { return createFunction(ctx, c); })));
  routes.add(verb::get, "2015-03-31/functions", [&ctx](const AdminCall& c) { return listFunctions(ctx, c); });
  routes.add(verb::get, "2015-03-31/functions/{}", [&ctx](const AdminCall& c) { return getFunction(ctx, c, false); });
  routes.add(verb::delete_, "2015-03-31/functions/{}", [&ctx](const AdminCall& c) { return deleteFunction(ctx, c); });
  routes.add(verb::get, "2015-03-31/functions/{}/configuration",
             [&ctx](const AdminCall& c) { return getFunction(ctx, c, true); });
  routes.addAsync(verb::put, "2015-03-31/functions/{}/configuration",
                  offloaded(ctx, [&ctx](const AdminCall& c) { return updateConfiguration(ctx, c); }));
  routes.addAsync(verb::put, "2015-03-31/functions/{}/code",
                  withS3Code(ctx, false, offloaded(ctx, [&ctx](const AdminCall& c) { return updateCode(ctx, c); })));
  routes.add(verb::put, "2017-10-31/functions/{}/concurrency",
             [&ctx](const AdminCall& c) { return putConcurrency(ctx, c); });
  routes.add(verb::get, "2019-09-30/functions/{}/concurrency", [&ctx](const AdminCall& c) -> Result<AdminReply> {
    auto ref = refFrom(ctx, c);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::object out;
    if (auto* r = doc->if_contains("reserved"); r && r->is_int64()) out["ReservedConcurrentExecutions"] = *r;
    return jsonReply(200, std::move(out));
  });
  routes.add(verb::delete_, "2017-10-31/functions/{}/concurrency", [&ctx](const AdminCall& c) -> Result<AdminReply> {
    auto ref = refFrom(ctx, c);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    doc->erase("reserved");
    saveFunction(ctx, ref->name, *doc);
    publishReservedConcurrency(ctx);
    return noContent();
  });
  routes.add(verb::get, "2016-08-19/account-settings", [&ctx](const AdminCall&) { return accountSettings(ctx); });
}

void publishReservedConcurrency(LambdaContext& ctx) {
  ctx.account->setReserved(static_cast<int>(reservedTotal(ctx)));
}

}  // namespace portico::control::lambda
