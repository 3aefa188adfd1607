// Event source mappings: Create / Get / Update / Delete / ListEventSourceMappings
// (/2015-03-31/event-source-mappings/), stored with AWS's shapes, states and checks. Portico runs
// no SQS, Kinesis, DynamoDB Streams or Kafka to poll: a mapping is kept and reported, and its
// function is never invoked by it (the README says so); LastProcessingResult says as much.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
#include <boost/json.hpp>
#include <chrono>

#include "common/json_util.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kMappingKind = "event_source_mapping";  // scope "", id = UUID

ApiError notFound() {
  return ApiError::lambda("ResourceNotFoundException", 404, "The resource you requested does not exist.");
}

bool isStream(std::string_view arn) {
  return arn.find(":kinesis:") != std::string_view::npos ||
         (arn.find(":dynamodb:") != std::string_view::npos && arn.find("/stream/") != std::string_view::npos);
}

/// The fields of a Create/Update body that Portico checks, applied to `mapping`.
Status applyFields(bj::object& mapping, const bj::object& body) {
  if (const bj::value* b = body.if_contains("BatchSize"); b && !b->is_null()) {
    if (!b->is_int64() || b->get_int64() < 1 || b->get_int64() > 10000) {
      return validationError("1 validation error detected: Value '" + bj::serialize(*b).substr(0, 40) +
                             "' at 'batchSize' failed to satisfy constraint: Member must have value less than or "
                             "equal to 10000");
    }
    mapping["BatchSize"] = *b;
  }
  if (const bj::value* p = body.if_contains("StartingPosition"); p && !p->is_null()) {
    const std::string value = p->is_string() ? std::string(p->get_string()) : bj::serialize(*p);
    if (value != "TRIM_HORIZON" && value != "LATEST" && value != "AT_TIMESTAMP") {
      return validationError("1 validation error detected: Value '" + value.substr(0, 40) +
                             "' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value "
                             "set: [TRIM_HORIZON, LATEST, AT_TIMESTAMP]");
    }
    mapping["StartingPosition"] = value;
  }
  if (const bj::value* w = body.if_contains("MaximumBatchingWindowInSeconds"); w && !w->is_null()) {
    if (!w->is_int64() || w->get_int64() < 0 || w->get_int64() > 300) {
      return validationError(
          "1 validation error detected: Value at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: "
          "Member must have value less than or equal to 300");
    }
    mapping["MaximumBatchingWindowInSeconds"] = *w;
  }
  for (const char* key : {"FilterCriteria", "DestinationConfig", "FunctionResponseTypes", "Topics", "Queues",
                          "SourceAccessConfigurations", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
                          "MaximumRetryAttempts", "ParallelizationFactor", "TumblingWindowInSeconds"}) {
    if (const bj::value* v = body.if_contains(key); v && !v->is_null()) mapping[key] = *v;
  }
  return Ok{};
}

double epochSeconds(const LambdaContext& ctx) {
  return std::chrono::duration<double>(ctx.clock.now().time_since_epoch()).count();
}

/// A mapping as Lambda answers it, with `state` for the moment (Creating, Enabling, Deleting...).
bj::object published(const bj::object& stored, std::string_view state = {}) {
  bj::object out = stored;
  out.erase("functionName");
  const bool enabled = !stored.contains("enabled") || stored.at("enabled").as_bool();
  out.erase("enabled");
  out["State"] = state.empty() ? (enabled ? "Enabled" : "Disabled") : std::string(state);
  return out;
}

std::optional<bj::object> loadMapping(LambdaContext& ctx, const std::string& uuid) {
  auto d = ctx.store.get(kMappingKind, "", uuid);
  if (!d) return std::nullopt;
  return json::parseObject(d->body);
}

void saveMapping(LambdaContext& ctx, const std::string& uuid, const bj::object& mapping) {
  ctx.store.put(store::Document{std::string(kMappingKind), "", uuid, bj::serialize(mapping), 0});
}

Result<AdminReply> create(LambdaContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  auto ref = ctx.catalog.parseRef(json::strOr(*body, "FunctionName", ""));
  if (!ref) return ref.takeError();
  const std::string source = json::strOr(*body, "EventSourceArn", "");
  if (!source.empty() && (!source.starts_with("arn:") || source.size() > 1024)) {
    return validationError(
        "1 validation error detected: Value '" + source.substr(0, 200) +
        "' at 'eventSourceArn' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:"
        "(\\d{12})?:(.*)");
  }
  if (isStream(source) && !body->contains("StartingPosition")) {
    return invalidParameter(
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
        "constraint: Member must not be null.");
  }
  std::lock_guard lock(ctx.mu);
  if (auto doc = loadFunction(ctx, *ref); !doc) return doc.takeError();
  for (auto& d : ctx.store.list(kMappingKind, "")) {
    auto m = json::parseObject(d.body);
    if (m && !source.empty() && json::strOr(*m, "EventSourceArn", "") == source &&
        json::strOr(*m, "functionName", "") == ref->name) {
      return resourceConflict("An event source mapping with event source (\"" + source + "\") and function (\"" +
                              ref->name +
                              "\") already exists. Please update or delete the existing mapping with "
                              "UUID " +
                              d.id);
    }
  }
  const std::string uuid = ctx.ids.uuid();
  bj::object mapping{{"UUID", uuid},
                     {"BatchSize", isStream(source) ? 100 : 10},
                     {"FunctionArn", ctx.catalog.functionArn(ref->name, ref->qualifier)},
                     {"LastModified", epochSeconds(ctx)},
                     {"LastProcessingResult", "No records processed: Portico does not poll event sources"},
                     {"StateTransitionReason", "USER_INITIATED"},
                     {"MaximumBatchingWindowInSeconds", 0},
                     {"functionName", ref->name},
                     {"enabled", true}};
  if (!source.empty()) mapping["EventSourceArn"] = source;
  if (const bj::value* e = body->if_contains("Enabled"); e && e->is_bool()) mapping["enabled"] = *e;
  if (auto st = applyFields(mapping, *body); !st) return st.takeError();
  saveMapping(ctx, uuid, mapping);
  return jsonReply(202, published(mapping, "Creating"));
}

Result<AdminReply> update(LambdaContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  auto mapping = loadMapping(ctx, call.params[0]);
  if (!mapping) return notFound();
  if (auto name = json::str(*body, "FunctionName")) {
    auto ref = ctx.catalog.parseRef(*name);
    if (!ref) return ref.takeError();
    if (auto doc = loadFunction(ctx, *ref); !doc) return doc.takeError();
    (*mapping)["functionName"] = ref->name;
    (*mapping)["FunctionArn"] = ctx.catalog.functionArn(ref->name, ref->qualifier);
  }
  std::string_view state = "Updating";
  if (const bj::value* e = body->if_contains("Enabled"); e && e->is_bool()) {
    (*mapping)["enabled"] = *e;
    state = e->get_bool() ? "Enabling" : "Disabling";
  }
  if (auto st = applyFields(*mapping, *body); !st) return st.takeError();
  (*mapping)["LastModified"] = epochSeconds(ctx);
  saveMapping(ctx, call.params[0], *mapping);
  return jsonReply(202, published(*mapping, state));
}

Result<AdminReply> list(LambdaContext& ctx, const AdminCall& call) {
  auto page = listPage(call, 100, 10000);
  if (!page) return page.takeError();
  const std::string source = call.queryParam("EventSourceArn").value_or("");
  std::string function;
  if (auto f = call.queryParam("FunctionName"); f && !f->empty()) {
    auto ref = ctx.catalog.parseRef(*f);
    if (!ref) return ref.takeError();
    function = ref->name;
  }
  std::lock_guard lock(ctx.mu);
  std::vector<bj::value> items;
  for (auto& d : ctx.store.list(kMappingKind, "")) {
    auto m = json::parseObject(d.body);
    if (!m) continue;
    if (!source.empty() && json::strOr(*m, "EventSourceArn", "") != source) continue;
    if (!function.empty() && json::strOr(*m, "functionName", "") != function) continue;
    items.emplace_back(published(*m));
  }
  return jsonReply(200, pagedItems("EventSourceMappings", std::move(items), *page));
}

}  // namespace

void registerEventSourceMappingRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::post, "2015-03-31/event-source-mappings", [&ctx](const AdminCall& c) { return create(ctx, c); });
  routes.add(verb::get, "2015-03-31/event-source-mappings", [&ctx](const AdminCall& c) { return list(ctx, c); });
  routes.add(verb::get, "2015-03-31/event-source-mappings/{}", [&ctx](const AdminCall& c) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto mapping = loadMapping(ctx, c.params[0]);
    if (!mapping) return notFound();
    return jsonReply(200, published(*mapping));
  });
  routes.add(verb::put, "2015-03-31/event-source-mappings/{}", [&ctx](const AdminCall& c) { return update(ctx, c); });
  routes.add(verb::delete_, "2015-03-31/event-source-mappings/{}", [&ctx](const AdminCall& c) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    auto mapping = loadMapping(ctx, c.params[0]);
    if (!mapping) return notFound();
    ctx.store.remove(kMappingKind, "", c.params[0]);
    return jsonReply(202, published(*mapping, "Deleting"));
  });
}

}  // namespace portico::control::lambda
