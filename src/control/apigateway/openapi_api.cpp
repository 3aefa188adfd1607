// OpenAPI in and out: ImportRestApi (POST /restapis?mode=import), PutRestApi
// (PUT /restapis/{id}?mode=merge|overwrite), GetExport (GET /restapis/{id}/stages/{stage}/exports/
// {oas30|swagger}) and GetSdk (answered with AWS's error: Portico generates no SDKs). The document
// is converted by src/openapi/; here it is written to the store in one transaction (nothing
// half-imported) with fresh ids, and read back from a stage's deployed snapshot for export.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/import-edge-optimized-api.html
#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/documentation_parts.h"
#include "control/apigateway/input_limits.h"
#include "openapi/document.h"
#include "openapi/documentation.h"
#include "openapi/exporter.h"
#include "openapi/importer.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

struct ImportQuery {
  openapi::ImportOptions options;
  bool failOnWarnings = false;
  std::string mode;
  std::vector<std::string> endpointTypes;
};

ImportQuery importQuery(const AdminCall& call) {
  ImportQuery q;
  q.options.basepath = call.queryParam("basepath").value_or("ignore");
  q.options.ignoreDocumentation = call.queryParam("ignore").value_or("") == "documentation";
  q.failOnWarnings = call.queryParam("failonwarnings").value_or("false") == "true";
  q.mode = call.queryParam("mode").value_or("");
  for (const auto& [k, v] : call.query) {
    if (k == "endpointConfigurationTypes" || k == "parameters.endpointConfigurationTypes") q.endpointTypes.push_back(v);
  }
  return q;
}

/// The document → ImportedApi, or AWS's 400 (failonwarnings makes warnings errors).
Result<openapi::ImportedApi> convert(const AdminCall& call, const ImportQuery& q) {
  auto doc = openapi::parseDocument(call.body);
  if (!doc) return doc.takeError();
  auto imported = openapi::importDocument(*doc, q.options);
  if (!imported) return imported.takeError();
  if (q.failOnWarnings && !imported->warnings.empty()) {
    std::string all;
    for (const auto& w : imported->warnings) all += (all.empty() ? "" : "; ") + w;
    return ApiError::badRequest("Warnings found during import: " + all.substr(0, 4000));
  }
  return imported;
}

/// What CreateRestApi, CreateResource and CreateModel would refuse of the imported definition
/// (names, key source, policy, path parts, sibling variables, children of a greedy variable, model
/// names, models methods name), checked before anything is written. `existing`: the API's
/// resource paths and model names now (merge), or empty.
Status checkImported(const openapi::ImportedApi& in, const std::vector<bj::object>& existingResources,
                     const std::vector<bj::object>& existingModels) {
  if (auto st = checkNameAndDescription(in.api, "REST API"); !st) return st;
  if (auto st = checkResourcePolicy(in.api); !st) return st;
  const std::string source = json::strOr(in.api, "apiKeySource", "HEADER");
  if (source != "HEADER" && source != "AUTHORIZER") {
    return ApiError::badRequest("Invalid API Key source specified. Valid options are HEADER,AUTHORIZER");
  }
  std::set<std::string> models = {"Empty", "Error"};
  for (const auto& m : existingModels) models.insert(json::strOr(m, "name", ""));
  for (const auto& m : in.models) {
    const std::string name = json::strOr(m, "name", "");
    if (!validModelName(name)) return ApiError::badRequest("Model name must be alphanumeric: " + name.substr(0, 200));
    models.insert(name);
  }
  std::map<std::string, std::set<std::string>> children;  // parent path → child parts
  auto add = [&](const std::string& path) -> Status {
    std::string parent = "/";
    for (std::size_t start = 1; start < path.size();) {
      std::size_t end = std::min(path.find('/', start), path.size());
      const std::string part = path.substr(start, end - start);
      start = end + 1;
      if (part.empty()) continue;
      if (auto st = validatePathPart(part); !st) return st;
      children[parent].insert(part);
      parent = (parent == "/" ? "" : parent) + "/" + part;
    }
    return Ok{};
  };
  for (const auto& r : existingResources) {
    if (auto st = add(json::strOr(r, "path", "/")); !st) return st;
  }
  for (const auto& r : in.resources) {
    if (auto st = add(r.path); !st) return st;
    for (const auto& [verbName, m] : r.resourceMethods) {
      const auto* method = m.if_object();
      const auto* named = method ? json::obj(*method, "requestModels") : nullptr;
      if (!named) continue;
      for (const auto& [type, model] : *named) {
        if (model.is_string() && !models.contains(std::string(model.get_string()))) {
          return ApiError::badRequest(
              "Invalid model identifier specified: " + std::string(model.get_string()).substr(0, 200) + " (" +
              std::string(verbName) + " " + r.path + ")");
        }
      }
    }
  }
  for (const auto& [parent, parts] : children) {
    std::string_view last = parent == "/" ? "" : std::string_view(parent).substr(parent.rfind('/') + 1);
    if (isGreedyPathVariable(last)) {
      return ApiError::badRequest("Cannot create a child of a resource with a greedy path variable: " +
                                  std::string(last));
    }
    std::vector<std::string> variables;
    for (const auto& p : parts) {
      if (isPathVariable(p)) variables.push_back(p);
    }
    if (variables.size() > 1) {
      return ApiError::badRequest("A sibling (" + variables[0] +
                                  ") of this resource already has a variable path part "
                                  "-- only one is allowed: " +
                                  variables[1]);
    }
  }
  return Ok{};
}

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

/// Removes what an overwrite replaces (resources but the root, models, validators, authorizers,
/// gateway responses); deployments and stages stay.
void clearDefinition(ApiGatewayContext& ctx, const std::string& apiId, const std::string& rootId) {
  for (auto kind : {kModel, kRequestValidator, kAuthorizer, kGatewayResponse}) {
    for (const auto& d : listDocs(ctx, kind, apiId)) {
      const std::string id = kind == kModel             ? json::strOr(d, "name", "")
                             : kind == kGatewayResponse ? json::strOr(d, "responseType", "")
                                                        : json::strOr(d, "id", "");
      ctx.store.remove(kind, apiId, id);
    }
  }
  for (const auto& r : listDocs(ctx, kResource, apiId)) {
    const std::string id = json::strOr(r, "id", "");
    if (id == rootId) {
      bj::object root = r;
      root.erase("resourceMethods");
      saveDoc(ctx, kResource, apiId, id, root);
    } else {
      ctx.store.remove(kResource, apiId, id);
    }
  }
}

/// The gateway responses as PutGatewayResponse would store them, or its 400 (an unknown type, a bad
/// status, mapping or template): replaced in `in` before anything is written.
Status checkGatewayResponses(ApiGatewayContext& ctx, openapi::ImportedApi& in) {
  for (auto& g : in.gatewayResponses) {
    auto doc = gatewayResponseDocument(ctx, json::strOr(g, "responseType", ""), g);
    if (!doc) return doc.takeError();
    g = std::move(doc).value();
  }
  return Ok{};
}

/// What refuses an import midway (its transaction rolls back): the documentation's part quota, or
/// a refused part under failonwarnings.
struct Refused {
  ApiError error;
};

/// Writes the imported definition into the API (inside the caller's transaction). Methods of a
/// path replace the same methods there; everything else is added or replaced by name; the
/// documentation parts are merged, or replace the API's under overwrite. Throws Refused.
void writeDefinition(ApiGatewayContext& ctx, const std::string& apiId, openapi::ImportedApi& in, bool overwrite,
                     bool failOnWarnings) {
  if (in.documentation) {
    auto written = writeDocumentationParts(ctx, apiId, in.documentation->parts, overwrite, failOnWarnings, in.warnings);
    if (!written) throw Refused{written.error()};
  }
  for (auto& m : in.models) {
    bj::object model{{"id", ctx.ids.alnum(6)},
                     {"name", m.at("name")},
                     {"contentType", m.at("contentType")},
                     {"schema", replaceAll(json::strOr(m, "schema", ""), openapi::kRestApiIdToken, apiId)}};
    if (auto d = json::str(m, "description")) model["description"] = *d;
    saveDoc(ctx, kModel, apiId, json::strOr(m, "name", ""), model);
  }
  std::map<std::string, std::string> validators, authorizers;  // name → id
  for (const auto& v : listDocs(ctx, kRequestValidator, apiId))
    validators[json::strOr(v, "name", "")] = json::strOr(v, "id", "");
  for (const auto& a : listDocs(ctx, kAuthorizer, apiId))
    authorizers[json::strOr(a, "name", "")] = json::strOr(a, "id", "");
  for (auto& v : in.requestValidators) {
    const std::string name = json::strOr(v, "name", "");
    std::string id = validators.contains(name) ? validators[name] : ctx.ids.alnum(6);
    v["id"] = id;
    validators[name] = id;
    saveDoc(ctx, kRequestValidator, apiId, id, v);
  }
  for (auto& a : in.authorizers) {
    const std::string name = json::strOr(a, "name", "");
    std::string id = authorizers.contains(name) ? authorizers[name] : ctx.ids.alnum(6);
    a["id"] = id;
    if (!a.contains("authorizerResultTtlInSeconds")) a["authorizerResultTtlInSeconds"] = 300;
    authorizers[name] = id;
    saveDoc(ctx, kAuthorizer, apiId, id, a);
  }
  for (const auto& g : in.gatewayResponses) {  // (checked by checkGatewayResponses)
    saveDoc(ctx, kGatewayResponse, apiId, json::strOr(g, "responseType", ""), g);
  }
  std::map<std::string, bj::object> byPath;  // every resource of the API, by path
  for (auto& r : listDocs(ctx, kResource, apiId)) byPath[json::strOr(r, "path", "/")] = std::move(r);
  auto ensure = [&](const std::string& path) -> bj::object& {
    std::string at;
    bj::object* parent = &byPath["/"];
    for (std::size_t start = 1; start <= path.size();) {
      std::size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      const std::string part = path.substr(start, end - start);
      start = end + 1;
      if (part.empty()) continue;
      at += "/" + part;
      auto it = byPath.find(at);
      if (it == byPath.end()) {
        bj::object r{
            {"id", ctx.ids.alnum(10)}, {"parentId", json::strOr(*parent, "id", "")}, {"pathPart", part}, {"path", at}};
        it = byPath.emplace(at, std::move(r)).first;
      }
      parent = &it->second;
    }
    return *parent;
  };
  for (auto& r : in.resources) {
    bj::object& resource = ensure(r.path);
    auto& methods = json::objAt(resource, "resourceMethods");
    for (auto& [verbName, m] : r.resourceMethods) {
      bj::object method = m.as_object();
      if (auto name = json::str(method, "_authorizer")) {
        if (authorizers.contains(*name)) {
          method["authorizerId"] = authorizers[*name];
        } else {
          in.warnings.push_back("Authorizer " + *name + " of " + std::string(verbName) + " " + r.path + " not found");
          method["authorizationType"] = "NONE";
        }
        method.erase("_authorizer");
      }
      if (auto name = json::str(method, "_requestValidator")) {
        if (validators.contains(*name)) {
          method["requestValidatorId"] = validators[*name];
        } else {
          in.warnings.push_back("Request validator " + *name + " of " + std::string(verbName) + " " + r.path +
                                " not found");
        }
        method.erase("_requestValidator");
      }
      methods[verbName] = std::move(method);
    }
  }
  for (auto& [path, r] : byPath) saveDoc(ctx, kResource, apiId, json::strOr(r, "id", ""), r);
}

/// The API-level fields the document sets.
void applyApiFields(bj::object& api, const openapi::ImportedApi& in, const ImportQuery& q, bool keepName) {
  for (const auto& [k, v] : in.api) {
    if (k == "name" && keepName) continue;
    if (k == "endpointConfiguration" || k == "disableExecuteApiEndpoint") continue;
    api[k] = v;
  }
  if (auto* ec = in.api.if_contains("endpointConfiguration")) api["endpointConfiguration"] = *ec;
  if (auto* d = in.api.if_contains("disableExecuteApiEndpoint")) api["disableExecuteApiEndpoint"] = *d;
  if (!q.endpointTypes.empty()) {
    bj::array types;
    for (const auto& t : q.endpointTypes) types.push_back(bj::string(t));
    json::objAt(api, "endpointConfiguration")["types"] = std::move(types);
  }
}

bj::array warningsOf(const openapi::ImportedApi& in) {
  bj::array out;
  for (const auto& w : in.warnings) out.push_back(bj::string(w));
  return out;
}

Result<AdminReply> importRestApi(ApiGatewayContext& ctx, const AdminCall& call) {
  const ImportQuery q = importQuery(call);
  if (q.mode != "import") return ApiError::badRequest("Invalid mode: " + q.mode.substr(0, 50) + ". Use mode=import");
  auto imported = convert(call, q);
  if (!imported) return imported.takeError();
  if (auto st = checkImported(*imported, {}, {}); !st) return st.takeError();  // (before the lock: CPU only)
  if (auto st = checkGatewayResponses(ctx, *imported); !st) return st.takeError();
  std::lock_guard lock(ctx.mu);
  bj::object api{{"id", ctx.ids.alnum(10)},
                 {"createdDate", ctx.nowEpochSeconds()},
                 {"apiKeySource", "HEADER"},
                 {"endpointConfiguration", bj::object{{"types", bj::array{"EDGE"}}}},
                 {"disableExecuteApiEndpoint", false}};
  applyApiFields(api, *imported, q, false);
  const std::string apiId(api["id"].get_string()), rootId = ctx.ids.alnum(10);
  api["rootResourceId"] = rootId;
  try {
    ctx.store.transaction([&] {
      saveDoc(ctx, kRestApi, "", apiId, api);
      saveDoc(ctx, kResource, apiId, rootId, bj::object{{"id", rootId}, {"path", "/"}});
      createDefaultModels(ctx, apiId);
      writeDefinition(ctx, apiId, *imported, false, q.failOnWarnings);
    });
  } catch (const Refused& r) {
    return r.error;
  }
  bj::object body = api;
  if (!imported->warnings.empty()) body["warnings"] = warningsOf(*imported);
  return reply(201, std::move(body));
}

Result<AdminReply> putRestApi(ApiGatewayContext& ctx, const AdminCall& call) {
  ImportQuery q = importQuery(call);
  if (q.mode.empty()) q.mode = "merge";
  if (q.mode != "merge" && q.mode != "overwrite") {
    return ApiError::badRequest("Invalid mode: " + q.mode.substr(0, 50) + ". Valid values are merge and overwrite");
  }
  auto imported = convert(call, q);
  if (!imported) return imported.takeError();
  std::lock_guard lock(ctx.mu);
  auto api = loadApi(ctx, call.params[0]);
  if (!api) return api.takeError();
  const std::string apiId = call.params[0], rootId = json::strOr(*api, "rootResourceId", "");
  applyApiFields(*api, *imported, q, q.mode == "merge");
  if (q.mode == "merge") {
    if (auto st = checkImported(*imported, listDocs(ctx, kResource, apiId), listDocs(ctx, kModel, apiId)); !st) {
      return st.takeError();
    }
  } else if (auto st = checkImported(*imported, {}, {}); !st) {
    return st.takeError();
  }
  if (auto st = checkGatewayResponses(ctx, *imported); !st) return st.takeError();
  try {
    ctx.store.transaction([&] {
      if (q.mode == "overwrite") {
        clearDefinition(ctx, apiId, rootId);
        createDefaultModels(ctx, apiId);
      }
      writeDefinition(ctx, apiId, *imported, q.mode == "overwrite", q.failOnWarnings);
      saveDoc(ctx, kRestApi, "", apiId, *api);
    });
  } catch (const Refused& r) {
    return r.error;
  }
  bj::object body = *api;
  if (!imported->warnings.empty()) body["warnings"] = warningsOf(*imported);
  return reply(200, std::move(body));
}

Result<AdminReply> getExport(ApiGatewayContext& ctx, const AdminCall& call) {
  const std::string& type = call.params[2];
  if (type != "oas30" && type != "swagger") {
    return ApiError::badRequest("Invalid export type: " + type.substr(0, 50) + ". Valid values are oas30 and swagger");
  }
  const std::string extensions = call.queryParam("extensions").value_or("");
  openapi::ExportOptions options;
  options.format = type == "oas30" ? openapi::ExportFormat::kOas30 : openapi::ExportFormat::kSwagger;
  options.integrations =
      extensions.find("integrations") != std::string::npos || extensions.find("apigateway") != std::string::npos;
  options.authorizers = extensions.find("authorizers") != std::string::npos;
  options.stageName = call.params[1];
  options.host = call.params[0] + ".execute-api." + ctx.region + ".amazonaws.com";
  bj::object doc;
  {
    std::lock_guard lock(ctx.mu);
    auto api = loadApi(ctx, call.params[0]);
    if (!api) return api.takeError();
    auto stage = loadDoc(ctx, kStage, call.params[0], call.params[1]);
    if (!stage) return ApiError::notFound("Invalid stage identifier specified");
    auto snapshot = loadDoc(ctx, kSnapshot, call.params[0], json::strOr(*stage, "deploymentId", ""));
    if (!snapshot) return ApiError::notFound("Invalid deployment identifier specified");
    doc = openapi::exportDocument(*snapshot, options);
    if (auto documentation = documentationExtension(ctx, call.params[0], *stage)) {
      openapi::applyDocumentation(doc, *documentation, options.format == openapi::ExportFormat::kOas30);
    }
  }
  const std::string accept = call.header("Accept");
  const bool yaml = accept.find("yaml") != std::string::npos;
  AdminReply out{200, std::nullopt};
  out.rawBody = yaml ? openapi::toYaml(doc) : bj::serialize(doc);
  out.contentType = yaml ? "application/yaml" : "application/json";
  out.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"") + type + "_" + call.params[1] +
                                                      (yaml ? ".yaml" : ".json") + "\"");
  return out;
}

}  // namespace

Result<AdminReply> importOrCreateRestApi(ApiGatewayContext& ctx, const AdminCall& call,
                                         Result<AdminReply> (*create)(ApiGatewayContext&, const AdminCall&)) {
  if (call.queryParam("mode")) return importRestApi(ctx, call);
  return create(ctx, call);
}

void registerOpenApiRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::put, "restapis/{}", [&ctx](const AdminCall& call) { return putRestApi(ctx, call); });
  routes.add(verb::get, "restapis/{}/stages/{}/exports/{}",
             [&ctx](const AdminCall& call) { return getExport(ctx, call); });
}

}  // namespace portico::control::apigateway
