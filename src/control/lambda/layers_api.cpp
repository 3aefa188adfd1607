// Layer operations: PublishLayerVersion (a zip, or an S3 object), GetLayerVersion,
// GetLayerVersionByArn, ListLayers, ListLayerVersions, DeleteLayerVersion and the layer version
// policy (Add/RemoveLayerVersionPermission, GetLayerVersionPolicy), on /2018-10-31/layers; and the
// Layers a function references (layers.h).
// https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html
#include <re2/re2.h>

#include <algorithm>
#include <boost/json.hpp>

#include "common/base64.h"
#include "common/json_util.h"
#include "common/parse_number.h"
#include "control/lambda/layers.h"
#include "control/lambda/s3_code.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kNamePattern =
    "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+";
constexpr std::string_view kVersionArnPattern =
    "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::"
    "awslayer:[a-zA-Z0-9-_]+)";

ApiError notFound() {
  return ApiError::lambda("ResourceNotFoundException", 404, "The resource you requested does not exist.");
}

std::string layerArn(const LambdaContext& ctx, std::string_view name) {
  return "arn:aws:lambda:" + ctx.catalog.region() + ":" + ctx.catalog.accountId() + ":layer:" + std::string(name);
}

/// A layer's ARN split: region, account, name, and the version ("" for a layer's own ARN).
struct LayerArnParts {
  std::string region, account, name, version;
};

std::optional<LayerArnParts> splitArn(std::string_view arn, bool withVersion) {
  static const RE2 layer("arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9_-]+)");
  static const RE2 version("arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\\d{12}):layer:([a-zA-Z0-9_-]+):([0-9]+)");
  LayerArnParts p;
  if (arn.size() > 140) return std::nullopt;
  bool ok = withVersion ? RE2::FullMatch(arn, version, &p.region, &p.account, &p.name, &p.version)
                        : RE2::FullMatch(arn, layer, &p.region, &p.account, &p.name);
  if (!ok) return std::nullopt;
  return p;
}

/// The {LayerName} of a path: a name or this region's and account's layer ARN.
Result<std::string> layerNameOf(const LambdaContext& ctx, const std::string& param) {
  static const RE2 name("[a-zA-Z0-9_-]{1,140}");
  if (RE2::FullMatch(param, name)) return param;
  if (auto p = splitArn(param, false)) {
    if (p->region != ctx.catalog.region() || p->account != ctx.catalog.accountId()) return notFound();
    return p->name;
  }
  return validationError("1 validation error detected: Value '" + param.substr(0, 300) +
                         "' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression "
                         "pattern: " +
                         std::string(kNamePattern));
}

Result<std::int64_t> versionNumberOf(const std::string& param) {
  auto n = parseNumber<std::int64_t>(param);
  if (!n || *n < 1) {
    return validationError("1 validation error detected: Value '" + param.substr(0, 40) +
                           "' at 'versionNumber' failed to satisfy constraint: Member must have value greater than "
                           "or equal to 1");
  }
  return *n;
}

std::optional<bj::object> loadVersion(LambdaContext& ctx, const std::string& name, std::int64_t version) {
  auto d = ctx.store.get(kLayerVersionKind, layerScope(name), std::to_string(version));
  if (!d) return std::nullopt;
  return json::parseObject(d->body);
}

/// GetLayerVersion's answer: the stored configuration and a fresh download URL.
bj::object published(LambdaContext& ctx, const bj::object& vdoc) {
  bj::object out;
  if (const bj::object* config = json::obj(vdoc, "config")) out = *config;
  json::objAt(out, "Content")["Location"] = codeLocation(ctx, json::strOr(vdoc, "codeHex", ""));
  return out;
}

/// A version as ListLayerVersions and ListLayers list it.
bj::object listItem(const bj::object& vdoc) {
  bj::object item;
  if (const bj::object* config = json::obj(vdoc, "config")) {
    for (const char* key : {"LayerVersionArn", "Version", "Description", "CreatedDate", "CompatibleRuntimes",
                            "LicenseInfo", "CompatibleArchitectures"}) {
      if (const bj::value* v = config->if_contains(key)) item[key] = *v;
    }
  }
  return item;
}

bool listed(const bj::object& config, std::string_view key, const std::optional<std::string>& wanted) {
  if (!wanted) return true;
  const bj::value* v = config.if_contains(key);
  if (!v || !v->is_array()) return false;
  return std::ranges::any_of(v->get_array(),
                             [&](const bj::value& x) { return x.is_string() && x.get_string() == *wanted; });
}

/// A layer's versions, newest first, that match ListLayers' / ListLayerVersions' filters.
std::vector<bj::object> versionsOf(LambdaContext& ctx, const std::string& name, const AdminCall& call) {
  auto runtime = call.queryParam("CompatibleRuntime");
  auto architecture = call.queryParam("CompatibleArchitecture");
  std::vector<std::pair<std::int64_t, bj::object>> found;
  for (auto& d : ctx.store.list(kLayerVersionKind, layerScope(name))) {
    auto vdoc = json::parseObject(d.body);
    auto n = parseNumber<std::int64_t>(d.id);
    if (!vdoc || !n) continue;
    const bj::object* config = json::obj(*vdoc, "config");
    if (!config || !listed(*config, "CompatibleRuntimes", runtime) ||
        !listed(*config, "CompatibleArchitectures", architecture))
      continue;
    found.emplace_back(*n, std::move(*vdoc));
  }
  std::ranges::sort(found, [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<bj::object> out;
  for (auto& [n, vdoc] : found) out.push_back(std::move(vdoc));
  return out;
}

/// ListLayers' / ListLayerVersions' page (MaxItems 1-50) and architecture filter, checked.
Result<ListPage> pageOf(const AdminCall& call) {
  if (auto a = call.queryParam("CompatibleArchitecture"); a && *a != "x86_64" && *a != "arm64") {
    return validationError("1 validation error detected: Value '" + a->substr(0, 40) +
                           "' at 'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum "
                           "value set: [x86_64, arm64]");
  }
  return listPage(call, 50, 50);
}

/// PublishLayerVersion's optional fields, checked as AWS does.
Result<bj::object> versionFields(const bj::object& body) {
  bj::object out;
  auto description = descriptionOf(body);
  if (!description) return description.takeError();
  out["Description"] = description->value_or("");
  if (const bj::value* l = body.if_contains("LicenseInfo"); l && !l->is_null()) {
    if (!l->is_string() || l->get_string().size() > 512) {
      return validationError(
          "1 validation error detected: Value at 'licenseInfo' failed to satisfy constraint: Member must have "
          "length less than or equal to 512");
    }
    out["LicenseInfo"] = *l;
  }
  if (const bj::value* r = body.if_contains("CompatibleRuntimes"); r && !r->is_null()) {
    if (!r->is_array() || r->get_array().size() > 15 || !std::ranges::all_of(r->get_array(), [](const bj::value& x) {
          return x.is_string() && x.get_string().size() <= 64;
        })) {
      return validationError(
          "1 validation error detected: Value at 'compatibleRuntimes' failed to satisfy constraint: Member must "
          "have length less than or equal to 15");
    }
    out["CompatibleRuntimes"] = *r;
  }
  if (const bj::value* a = body.if_contains("CompatibleArchitectures"); a && !a->is_null()) {
    if (!a->is_array() || a->get_array().size() > 2 || !std::ranges::all_of(a->get_array(), [](const bj::value& x) {
          return x.is_string() && (x.get_string() == "x86_64" || x.get_string() == "arm64");
        })) {
      return validationError(
          "1 validation error detected: Value at 'compatibleArchitectures' failed to satisfy constraint: Member "
          "must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]");
    }
    out["CompatibleArchitectures"] = *a;
  }
  return out;
}

Result<AdminReply> publishLayerVersion(LambdaContext& ctx, const AdminCall& call) {
  auto name = layerNameOf(ctx, call.params[0]);
  if (!name) return name.takeError();
  auto body = call.json();
  if (!body) return body.takeError();
  const bj::object* content = json::obj(*body, "Content");
  if (!content) {
    return validationError(
        "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be "
        "null");
  }
  auto fields = versionFields(*body);
  if (!fields) return fields.takeError();
  if (content->contains("S3Bucket") || content->contains("S3Key")) {
    return invalidParameter("S3 code was not fetched: call through the management API's asynchronous route");
  }
  auto zip64 = json::str(*content, "ZipFile");
  if (!zip64) return invalidParameter("Please provide a source for layer code.");
  auto zip = base64Decode(*zip64);
  if (!zip) return invalidParameter("Could not decode ZipFile: it is not valid base64");
  auto stored = ctx.code.put(*zip);  // before the lock: unpacking a big zip takes seconds
  if (!stored) return stored.takeError();
  auto bytes = ctx.code.unpackedBytes(stored->sha256Hex);
  if (!bytes) return bytes.takeError();

  std::lock_guard lock(ctx.mu);
  bj::object layer;
  if (auto d = ctx.store.get(kLayerKind, "", *name)) {
    if (auto parsed = json::parseObject(d->body)) layer = std::move(*parsed);
  }
  std::int64_t n = layer["nextVersion"].is_int64() ? layer["nextVersion"].as_int64() : 1;
  layer["nextVersion"] = n + 1;
  bj::object config{{"Content", bj::object{{"CodeSha256", stored->sha256Base64}, {"CodeSize", stored->size}}},
                    {"LayerArn", layerArn(ctx, *name)},
                    {"LayerVersionArn", layerArn(ctx, *name) + ":" + std::to_string(n)},
                    {"CreatedDate", ctx.lastModifiedNow()},
                    {"Version", n}};
  for (auto& [k, v] : *fields) config[k] = v;
  bj::object vdoc{
      {"config", config}, {"codeHex", stored->sha256Hex}, {"unpackedBytes", static_cast<std::int64_t>(*bytes)}};
  ctx.store.transaction([&] {
    ctx.store.put(store::Document{std::string(kLayerKind), "", *name, bj::serialize(layer), 0});
    ctx.store.put(
        store::Document{std::string(kLayerVersionKind), layerScope(*name), std::to_string(n), bj::serialize(vdoc), 0});
  });
  return jsonReply(201, published(ctx, vdoc));
}

/// PublishLayerVersion with its content in S3: fetched first (on the caller's loop), then `next`
/// sees it as ZipFile.
AsyncAdminOperation withS3Content(LambdaContext& ctx, AsyncAdminOperation next) {
  return [&ctx, next = std::move(next)](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
    auto body = call.json();
    bj::object* content = body ? json::obj(*body, "Content") : nullptr;
    if (!content || (!content->contains("S3Bucket") && !content->contains("S3Key"))) co_return co_await next(call);
    const unsigned worker = call.conn ? call.conn->workerIndex : 0;  // (no ?: inside a co_await: GCC 12)
    auto inlined = co_await inlineS3Code(ctx, *content, "", worker);
    if (!inlined) co_return inlined.takeError();
    const std::string rewritten = bj::serialize(*body);
    AdminCall withZip = call;
    withZip.body = rewritten;
    co_return co_await next(withZip);
  };
}

Result<AdminReply> getLayerVersion(LambdaContext& ctx, const std::string& name, std::int64_t version) {
  std::lock_guard lock(ctx.mu);
  auto vdoc = loadVersion(ctx, name, version);
  if (!vdoc) return notFound();
  return jsonReply(200, published(ctx, *vdoc));
}

Result<AdminReply> listLayers(LambdaContext& ctx, const AdminCall& call) {
  if (call.queryParam("find").value_or("") == "LayerVersion") {  // GetLayerVersionByArn
    const std::string arn = call.queryParam("Arn").value_or("");
    auto p = splitArn(arn, true);
    if (!p) {
      return validationError("1 validation error detected: Value '" + arn.substr(0, 300) +
                             "' at 'arn' failed to satisfy constraint: Member must satisfy regular expression "
                             "pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+");
    }
    if (p->region != ctx.catalog.region() || p->account != ctx.catalog.accountId()) return notFound();
    auto n = versionNumberOf(p->version);
    if (!n) return n.takeError();
    return getLayerVersion(ctx, p->name, *n);
  }
  auto page = pageOf(call);
  if (!page) return page.takeError();
  std::lock_guard lock(ctx.mu);
  std::vector<std::string> names;
  for (auto& d : ctx.store.list(kLayerKind, "")) names.push_back(d.id);
  std::ranges::sort(names);
  std::vector<bj::value> items;
  for (const auto& name : names) {
    auto versions = versionsOf(ctx, name, call);
    if (versions.empty()) continue;
    items.emplace_back(bj::object{
        {"LayerName", name}, {"LayerArn", layerArn(ctx, name)}, {"LatestMatchingVersion", listItem(versions.front())}});
  }
  return jsonReply(200, pagedItems("Layers", std::move(items), *page));
}

Result<AdminReply> listLayerVersions(LambdaContext& ctx, const AdminCall& call) {
  auto name = layerNameOf(ctx, call.params[0]);
  if (!name) return name.takeError();
  auto page = pageOf(call);
  if (!page) return page.takeError();
  std::lock_guard lock(ctx.mu);
  std::vector<bj::value> items;
  for (const auto& version : versionsOf(ctx, *name, call)) items.emplace_back(listItem(version));
  return jsonReply(200, pagedItems("LayerVersions", std::move(items), *page));
}

/// The layer version a policy call names, loaded under ctx.mu.
struct LoadedVersion {
  std::string name;
  std::int64_t version = 0;
  std::unique_lock<std::mutex> lock;
  bj::object vdoc;
  void save(LambdaContext& ctx) const {
    ctx.store.put(store::Document{std::string(kLayerVersionKind), layerScope(name), std::to_string(version),
                                  bj::serialize(vdoc), 0});
  }
};

Result<LoadedVersion> loadForPolicy(LambdaContext& ctx, const AdminCall& call) {
  auto name = layerNameOf(ctx, call.params[0]);
  if (!name) return name.takeError();
  auto n = versionNumberOf(call.params[1]);
  if (!n) return n.takeError();
  std::unique_lock lock(ctx.mu);
  auto vdoc = loadVersion(ctx, *name, *n);
  if (!vdoc) return notFound();
  return LoadedVersion{*name, *n, std::move(lock), std::move(*vdoc)};
}

Status checkPolicyRevision(const AdminCall& call, const bj::object* policy) {
  auto rev = call.queryParam("RevisionId");
  if (!rev) {
    if (auto body = call.json(); body) rev = json::str(*body, "RevisionId");
  }
  if (rev && (!policy || *rev != json::strOr(*policy, "RevisionId", ""))) {
    return ApiError::lambda("PreconditionFailedException", 412,
                            "The Revision Id provided does not match the latest Revision Id. Call the "
                            "GetLayerVersionPolicy API to retrieve the latest Revision Id");
  }
  return Ok{};
}

Result<AdminReply> addPermission(LambdaContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  static const RE2 sidPattern("[a-zA-Z0-9_-]{1,100}");
  static const RE2 principalPattern("\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root");
  static const RE2 orgPattern("o-[a-z0-9]{10,32}");
  const std::string sid = json::strOr(*body, "StatementId", "");
  const std::string action = json::strOr(*body, "Action", "");
  const std::string principal = json::strOr(*body, "Principal", "");
  if (!RE2::FullMatch(sid, sidPattern)) {
    return validationError("1 validation error detected: Value '" + sid.substr(0, 200) +
                           "' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: ([a-zA-Z0-9-_]+)");
  }
  if (action != "lambda:GetLayerVersion") {
    return validationError("1 validation error detected: Value '" + action.substr(0, 200) +
                           "' at 'action' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: lambda:GetLayerVersion");
  }
  if (!RE2::FullMatch(principal, principalPattern)) {
    return validationError("1 validation error detected: Value '" + principal.substr(0, 200) +
                           "' at 'principal' failed to satisfy constraint: Member must satisfy regular expression "
                           "pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root");
  }
  auto org = json::str(*body, "OrganizationId");
  if (org && !RE2::FullMatch(*org, orgPattern)) {
    return validationError("1 validation error detected: Value '" + org->substr(0, 200) +
                           "' at 'organizationId' failed to satisfy constraint: Member must satisfy regular "
                           "expression pattern: o-[a-z0-9]{10,32}");
  }
  auto v = loadForPolicy(ctx, call);
  if (!v) return v.takeError();
  bj::object& policy = json::objAt(v->vdoc, "policy");
  if (auto st = checkPolicyRevision(call, policy.empty() ? nullptr : &policy); !st) return st.takeError();
  bj::value& statementsValue = policy["Statement"];
  if (!statementsValue.is_array()) statementsValue.emplace_array();
  bj::array& statements = statementsValue.get_array();
  for (const auto& s : statements) {
    if (s.is_object() && json::strOr(s.get_object(), "Sid", "") == sid) {
      return resourceConflict("The statement id (" + sid +
                              ") provided already exists. Please provide a new statement id, or remove the existing "
                              "statement.");
    }
  }
  bj::object statement{{"Sid", sid}, {"Effect", "Allow"}};
  if (principal == "*") {
    statement["Principal"] = "*";
  } else {
    statement["Principal"] =
        bj::object{{"AWS", principal.starts_with("arn:") ? principal : "arn:aws:iam::" + principal + ":root"}};
  }
  statement["Action"] = action;
  statement["Resource"] = layerArn(ctx, v->name) + ":" + std::to_string(v->version);
  if (org) statement["Condition"] = bj::object{{"StringEquals", bj::object{{"aws:PrincipalOrgID", *org}}}};
  if (statements.size() >= 100) {
    return ApiError::lambda("PolicyLengthExceededException", 400, "The final policy size is bigger than the limit.");
  }
  statements.push_back(statement);
  policy["RevisionId"] = ctx.ids.uuid();
  v->save(ctx);
  return jsonReply(201, bj::object{{"Statement", bj::serialize(statement)}, {"RevisionId", policy["RevisionId"]}});
}

Result<AdminReply> getPolicy(LambdaContext& ctx, const AdminCall& call) {
  auto v = loadForPolicy(ctx, call);
  if (!v) return v.takeError();
  const bj::object* policy = json::obj(v->vdoc, "policy");
  const bj::value* statements = policy ? policy->if_contains("Statement") : nullptr;
  if (!statements || !statements->is_array() || statements->get_array().empty()) {
    return ApiError::lambda("ResourceNotFoundException", 404, "No policy is associated with the given resource.");
  }
  bj::object text{{"Version", "2012-10-17"}, {"Id", "default"}, {"Statement", *statements}};
  return jsonReply(200, bj::object{{"Policy", bj::serialize(text)}, {"RevisionId", policy->at("RevisionId")}});
}

Result<AdminReply> removePermission(LambdaContext& ctx, const AdminCall& call) {
  auto v = loadForPolicy(ctx, call);
  if (!v) return v.takeError();
  bj::object* policy = json::obj(v->vdoc, "policy");
  if (auto st = checkPolicyRevision(call, policy); !st) return st.takeError();
  bj::value* statements = policy ? policy->if_contains("Statement") : nullptr;
  bool removed = false;
  if (statements && statements->is_array()) {
    auto& arr = statements->get_array();
    for (auto it = arr.begin(); it != arr.end(); ++it) {
      if (it->is_object() && json::strOr(it->get_object(), "Sid", "") == call.params[2]) {
        arr.erase(it);
        removed = true;
        break;
      }
    }
  }
  if (!removed) {
    return ApiError::lambda("ResourceNotFoundException", 404,
                            "Statement " + call.params[2].substr(0, 200) + " is not found in resource policy.");
  }
  (*policy)["RevisionId"] = ctx.ids.uuid();
  v->save(ctx);
  return noContent();
}

}  // namespace

Result<FunctionLayers> resolveFunctionLayers(LambdaContext& ctx, const bj::value& arns) {
  if (!arns.is_array()) {
    return validationError(
        "1 validation error detected: Value at 'layers' failed to satisfy constraint: Member must "
        "be a list of layer version ARNs");
  }
  const bj::array& list = arns.get_array();
  if (list.size() > kMaxFunctionLayers) return invalidParameter("Cannot reference more than 5 layers.");
  FunctionLayers out;
  std::vector<std::pair<std::string, std::string>> seen;  // (name, arn)
  for (const auto& item : list) {
    const std::string arn = item.is_string() ? std::string(item.get_string()) : std::string();
    auto p = splitArn(arn, true);
    if (!p) {
      return validationError(
          "1 validation error detected: Value '[" + arn.substr(0, 300) +
          "]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length "
          "less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy "
          "regular expression pattern: " +
          std::string(kVersionArnPattern) + ", Member must not be null]");
    }
    for (const auto& [name, other] : seen) {
      if (name == p->name) {
        return invalidParameter(
            "Two different versions of the same layer are not allowed to be referenced in the "
            "same function. " +
            other + " and " + arn + " are versions of the same layer.");
      }
    }
    seen.emplace_back(p->name, arn);
    auto n = parseNumber<std::int64_t>(p->version);
    std::optional<bj::object> vdoc;
    if (p->region == ctx.catalog.region() && p->account == ctx.catalog.accountId() && n) {
      std::lock_guard lock(ctx.mu);
      vdoc = loadVersion(ctx, p->name, *n);
    }
    if (!vdoc) return invalidParameter("Layer version " + arn + " does not exist.");
    const bj::object* config = json::obj(*vdoc, "config");
    const bj::object* content = config ? json::obj(*config, "Content") : nullptr;
    const bj::value* size = content ? content->if_contains("CodeSize") : nullptr;
    out.layers.push_back(bj::object{{"Arn", arn}, {"CodeSize", size ? *size : bj::value(0)}});
    out.hexes.push_back(bj::value(json::strOr(*vdoc, "codeHex", "")));
    const bj::value* bytes = vdoc->if_contains("unpackedBytes");
    if (bytes && bytes->is_int64()) out.unpackedBytes += static_cast<std::uint64_t>(bytes->get_int64());
  }
  return out;
}

Status extractLayers(LambdaContext& ctx, const FunctionLayers& layers) {
  if (layers.hexes.empty()) return Ok{};
  std::vector<std::string> hexes;
  for (const auto& h : layers.hexes) hexes.emplace_back(h.get_string());
  if (auto opt = ctx.code.layered(hexes); !opt) return opt.takeError();
  return Ok{};
}

Status checkUnzippedSize(LambdaContext& ctx, const std::string& codeHex, std::uint64_t layerBytes) {
  if (layerBytes == 0) return Ok{};
  auto code = ctx.code.unpackedBytes(codeHex);
  if (!code) return code.takeError();
  if (*code + layerBytes > kMaxUnzippedBytes) {
    return invalidParameter("Function code combined with layers exceeds the maximum allowed size of " +
                            std::to_string(kMaxUnzippedBytes) + " bytes. The actual size is " +
                            std::to_string(*code + layerBytes) + " bytes.");
  }
  return Ok{};
}

void registerLayerRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.add(verb::get, "2018-10-31/layers", [&ctx](const AdminCall& c) { return listLayers(ctx, c); });
  routes.addAsync(
      verb::post, "2018-10-31/layers/{}/versions",
      withS3Content(ctx, offloaded(ctx, [&ctx](const AdminCall& c) { return publishLayerVersion(ctx, c); })));
  routes.add(verb::get, "2018-10-31/layers/{}/versions",
             [&ctx](const AdminCall& c) { return listLayerVersions(ctx, c); });
  routes.add(verb::get, "2018-10-31/layers/{}/versions/{}", [&ctx](const AdminCall& c) -> Result<AdminReply> {
    auto name = layerNameOf(ctx, c.params[0]);
    if (!name) return name.takeError();
    auto n = versionNumberOf(c.params[1]);
    if (!n) return n.takeError();
    return getLayerVersion(ctx, *name, *n);
  });
  routes.add(verb::delete_, "2018-10-31/layers/{}/versions/{}", [&ctx](const AdminCall& c) -> Result<AdminReply> {
    auto name = layerNameOf(ctx, c.params[0]);
    if (!name) return name.takeError();
    auto n = versionNumberOf(c.params[1]);
    if (!n) return n.takeError();
    std::lock_guard lock(ctx.mu);
    ctx.store.remove(kLayerVersionKind, layerScope(*name), std::to_string(*n));  // (gone already: 204 all the same)
    return noContent();
  });
  routes.add(verb::post, "2018-10-31/layers/{}/versions/{}/policy",
             [&ctx](const AdminCall& c) { return addPermission(ctx, c); });
  routes.add(verb::get, "2018-10-31/layers/{}/versions/{}/policy",
             [&ctx](const AdminCall& c) { return getPolicy(ctx, c); });
  routes.add(verb::delete_, "2018-10-31/layers/{}/versions/{}/policy/{}",
             [&ctx](const AdminCall& c) { return removePermission(ctx, c); });
}

}  // namespace portico::control::lambda
