// DocumentationPart operations: CreateDocumentationPart, GetDocumentationParts (filtered by type,
// name, path and locationStatus), GetDocumentationPart, UpdateDocumentationPart (replace
// /properties), DeleteDocumentationPart, ImportDocumentationParts (PUT with an OpenAPI document's
// x-amazon-apigateway-documentation, merge or overwrite); and what the OpenAPI import and export
// share of them (documentation_parts.h).
// https://docs.aws.amazon.com/apigateway/latest/api/API_DocumentationPart.html
#include "control/apigateway/documentation_parts.h"

#include <fmt/chrono.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <ctime>
#include <map>
#include <set>

#include "common/json_util.h"
#include "control/apigateway/child_resource.h"
#include "openapi/document.h"
#include "openapi/documentation.h"
#include "openapi/importer.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// The fields a location type has beyond `type`, and whether it needs a name.
struct LocationType {
  std::string_view type;
  bool path, method, statusCode, name, nameRequired;
};

constexpr std::array<LocationType, 12> kLocationTypes{{
    {"API", false, false, false, false, false},
    {"AUTHORIZER", false, false, false, true, true},
    {"MODEL", false, false, false, true, true},
    {"RESOURCE", true, false, false, false, false},
    {"METHOD", true, true, false, false, false},
    {"PATH_PARAMETER", true, true, false, true, true},
    {"QUERY_PARAMETER", true, true, false, true, true},
    {"REQUEST_HEADER", true, true, false, true, true},
    {"REQUEST_BODY", true, true, false, true, false},
    {"RESPONSE", true, true, true, false, false},
    {"RESPONSE_HEADER", true, true, true, true, true},
    {"RESPONSE_BODY", true, true, true, false, false},
}};

// The enum as AWS lists it in its ValidationException.
constexpr std::string_view kTypeEnum =
    "[RESPONSE_BODY, RESPONSE, METHOD, MODEL, AUTHORIZER, RESPONSE_HEADER, RESOURCE, PATH_PARAMETER, REQUEST_BODY, "
    "QUERY_PARAMETER, API, REQUEST_HEADER]";

const LocationType* locationType(std::string_view type) {
  for (const auto& t : kLocationTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

constexpr ChildKind kParts{kDocumentationPart, "Invalid Documentation part identifier specified"};

ApiError badLocation(std::string why) {
  return ApiError::badRequest("Invalid documentation part location: " + std::move(why));
}

bool validStatusCode(std::string_view s) {
  if (s == "*") return true;
  return s.size() == 3 && s[0] >= '1' && s[0] <= '5' && std::isdigit(static_cast<unsigned char>(s[1])) &&
         std::isdigit(static_cast<unsigned char>(s[2]));
}

bool validMethod(std::string_view m) {
  for (std::string_view v : {"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}) {
    if (m == v) return true;
  }
  return false;
}

/// The location as GetExport writes it: the defaults left out.
bj::object exportedLocation(const bj::object& location) {
  bj::object out;
  for (const auto& [k, v] : location) {
    if ((k == "path" && v == "/") || ((k == "method" || k == "statusCode") && v == "*") || v.is_null()) continue;
    out[k] = v;
  }
  return out;
}

Result<AdminReply> createPart(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  auto doc = documentationPartDocument(body->if_contains("location"), body->if_contains("properties"),
                                       "createDocumentationPartInput");
  if (!doc) return doc.takeError();
  return withApi(ctx, call.params[0], [&](const bj::object&) -> Result<AdminReply> {
    const auto existing = listDocs(ctx, kDocumentationPart, call.params[0]);
    if (existing.size() >= kMaxDocumentationParts) {
      return ApiError{"LimitExceededException", 429,
                      "Maximum number of documentation parts (" + std::to_string(kMaxDocumentationParts) +
                          ") reached for this API"};
    }
    const std::string key = documentationLocationKey(doc->at("location").as_object());
    for (const auto& part : existing) {
      const bj::object* loc = json::obj(part, "location");
      if (loc && documentationLocationKey(*loc) == key) {
        return ApiError::conflict("Documentation part already exists for the specified location: " + key + ".");
      }
    }
    const std::string id = ctx.ids.alnum(6);
    bj::object part{{"id", id}};
    for (auto& [k, v] : *doc) part[k] = v;
    saveDoc(ctx, kDocumentationPart, call.params[0], id, part);
    return reply(201, std::move(part));
  });
}

Result<AdminReply> listParts(ApiGatewayContext& ctx, const AdminCall& call) {
  const auto type = call.queryParam("type");
  if (type && !locationType(*type)) {
    return ApiError{
        "ValidationException", 400,
        "1 validation error detected: Value '" + type->substr(0, 50) +
            "' at 'type' failed to satisfy constraint: Member must satisfy enum value set: " + std::string(kTypeEnum)};
  }
  const auto status = call.queryParam("locationStatus");
  if (status && *status != "DOCUMENTED" && *status != "UNDOCUMENTED") {
    return ApiError{"ValidationException", 400,
                    "1 validation error detected: Value '" + status->substr(0, 50) +
                        "' at 'locationStatus' failed to satisfy constraint: Member must satisfy enum value set: "
                        "[DOCUMENTED, UNDOCUMENTED]"};
  }
  const auto name = call.queryParam("name"), path = call.queryParam("path");
  return withApi(ctx, call.params[0], [&](const bj::object&) {
    std::vector<bj::object> items;
    for (auto& part : listDocs(ctx, kDocumentationPart, call.params[0])) {
      const bj::object* loc = json::obj(part, "location");
      if (!loc) continue;
      if (type && json::strOr(*loc, "type", "") != *type) continue;
      if (name && json::strOr(*loc, "name", "").find(*name) == std::string::npos) continue;  // (a name query)
      if (path && json::strOr(*loc, "path", "") != *path) continue;
      if (status && (openapi::documentationProperties(part).empty() == (*status == "DOCUMENTED"))) continue;
      items.push_back(std::move(part));
    }
    return pagedList(call, std::move(items));
  });
}

/// UpdateDocumentationPart: only `replace /properties`, in AWS's words for anything else.
Result<AdminReply> updatePart(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  auto part = loadChild(ctx, kParts, call.params[0], call.params[1]);
  if (!part) return part.takeError();
  const bj::value* ops = body->if_contains("patchOperations");
  if (ops && !ops->is_array()) return ApiError::badRequest("Invalid patch operation");
  for (const auto& item : ops ? ops->get_array() : bj::array{}) {
    if (!item.is_object()) return ApiError::badRequest("Invalid patch operation");
    const std::string op = json::strOr(item.get_object(), "op", ""), path = json::strOr(item.get_object(), "path", "");
    if (op != "add" && op != "remove" && op != "replace" && op != "move" && op != "copy" && op != "test") {
      return ApiError::badRequest("Invalid patch operation specified. Must be one of: [add, remove, replace]");
    }
    if (path != "/properties") {
      return ApiError::badRequest("Invalid patch path  '" + path.substr(0, 200) + "' specified for op '" + op +
                                  "'. Must be one of: [/properties]");
    }
    if (op != "replace") {
      return ApiError::badRequest("Invalid patch path  '/properties' specified for op '" + op +
                                  "'. Please choose supported operations");
    }
    auto checked = documentationPartDocument(json::obj(*part, "location") ? &part->at("location") : nullptr,
                                             item.get_object().if_contains("value"), "updateDocumentationPartInput");
    if (!checked) return checked.takeError();
    (*part)["properties"] = checked->at("properties");
  }
  saveDoc(ctx, kDocumentationPart, call.params[0], call.params[1], *part);
  return reply(200, std::move(part).value());
}

/// ImportDocumentationParts: the x-amazon-apigateway-documentation of an OpenAPI document.
Result<AdminReply> importParts(ApiGatewayContext& ctx, const AdminCall& call) {
  const std::string mode = call.queryParam("mode").value_or("merge");
  if (mode != "merge" && mode != "overwrite") {
    return ApiError::badRequest("Invalid mode: " + mode.substr(0, 50) + ". Valid values are merge and overwrite");
  }
  const bool failOnWarnings = call.queryParam("failonwarnings").value_or("false") == "true";
  auto document = openapi::parseDocument(call.body);
  if (!document) return document.takeError();
  auto imported = openapi::importDocumentation(*document);
  if (!imported) return imported.takeError();
  std::vector<std::string> warnings = imported->warnings;
  std::vector<std::string> ids;
  Status failed = Ok{};
  auto result = withApi(ctx, call.params[0], [&](const bj::object&) -> Result<AdminReply> {
    ctx.store.transaction([&] {
      auto written =
          writeDocumentationParts(ctx, call.params[0], imported->parts, mode == "overwrite", failOnWarnings, warnings);
      if (written) {
        ids = std::move(written).value();
      } else {
        failed = written.takeError();
      }
    });
    if (!failed) return failed.takeError();
    bj::array idList, warningList;
    for (const auto& id : ids) idList.push_back(bj::string(id));
    for (const auto& w : warnings) warningList.push_back(bj::string(w));
    bj::object out{{"ids", std::move(idList)}};
    if (!warningList.empty()) out["warnings"] = std::move(warningList);
    return reply(200, std::move(out));
  });
  return result;
}

}  // namespace

Result<bj::object> documentationPartDocument(const bj::value* location, const bj::value* properties,
                                             std::string_view input) {
  if (!location || !location->is_object()) return badLocation("a location with a type is required");
  const bj::object& in = location->get_object();
  const bj::value* typeValue = in.if_contains("type");
  const std::string type = typeValue && typeValue->is_string() ? std::string(typeValue->get_string()) : "";
  const LocationType* t = locationType(type);
  if (!t) {
    return ApiError{"ValidationException", 400,
                    "1 validation error detected: Value '" + (typeValue ? type.substr(0, 50) : std::string("null")) +
                        "' at '" + std::string(input) +
                        ".location.type' failed to satisfy constraint: Member must satisfy enum value set: " +
                        std::string(kTypeEnum)};
  }
  bj::object loc{{"type", type}};
  for (const auto& [k, v] : in) {
    if (k == "type" || v.is_null()) continue;
    const bool has = (k == "path" && t->path) || (k == "method" && t->method) || (k == "statusCode" && t->statusCode) ||
                     (k == "name" && t->name);
    if (!has) {
      if (k != "path" && k != "method" && k != "statusCode" && k != "name") {
        return badLocation("unknown field '" + std::string(k).substr(0, 50) + "'");
      }
      return badLocation("'" + std::string(k) + "' is not a valid field for type '" + type + "'");
    }
    if (!v.is_string()) return badLocation("'" + std::string(k) + "' must be a string");
    const std::string_view s = v.get_string();
    if (s.size() > 1024) return badLocation("'" + std::string(k) + "' is longer than 1024 characters");
    if (k == "path" && (s.empty() || s.front() != '/')) return badLocation("the path must start with '/'");
    if (k == "method" && !validMethod(s)) return badLocation("invalid method '" + std::string(s.substr(0, 20)) + "'");
    if (k == "statusCode" && !validStatusCode(s)) {
      return badLocation("invalid status code '" + std::string(s.substr(0, 20)) + "'");
    }
    if (k == "name" && s.empty()) return badLocation("the name must not be empty");
    loc[k] = v;
  }
  if (t->nameRequired && !loc.contains("name")) return badLocation("'name' is required for type '" + type + "'");
  if (t->path && !loc.contains("path")) loc["path"] = "/";

  if (!properties || properties->is_null()) return ApiError::badRequest("Documentation part properties are required");
  std::string text;
  if (properties->is_string()) {
    text = properties->get_string();
  } else if (properties->is_object()) {
    text = bj::serialize(*properties);  // an import's object
  } else {
    return ApiError::badRequest("Documentation part properties must be a JSON string");
  }
  if (text.size() > kMaxDocumentationPropertiesBytes) {
    return ApiError::badRequest("Documentation part properties are larger than " +
                                std::to_string(kMaxDocumentationPropertiesBytes / 1024) + " KB");
  }
  boost::system::error_code ec;
  bj::parse(text, ec);
  if (ec) return ApiError::badRequest("Documentation part properties must be valid JSON: " + ec.message());
  return bj::object{{"location", std::move(loc)}, {"properties", std::move(text)}};
}

std::string documentationLocationKey(const bj::object& location) {
  const std::string type = json::strOr(location, "type", "");
  const LocationType* t = locationType(type);
  std::string key = "type '" + type + "'";
  if (!t) return key;
  if (t->path) key += ", path '" + json::strOr(location, "path", "/") + "'";
  if (t->method) key += ", method '" + json::strOr(location, "method", "*") + "'";
  if (t->statusCode) key += ", statusCode '" + json::strOr(location, "statusCode", "*") + "'";
  if (t->name && location.contains("name")) key += ", name '" + json::strOr(location, "name", "") + "'";
  return key;
}

Result<std::vector<std::string>> writeDocumentationParts(ApiGatewayContext& ctx, const std::string& apiId,
                                                         const std::vector<bj::object>& parts, bool overwrite,
                                                         bool failOnWarnings, std::vector<std::string>& warnings) {
  // Checked first: with failOnWarnings nothing is written when one part is refused.
  std::vector<bj::object> checked;
  for (const auto& p : parts) {
    auto doc = documentationPartDocument(p.if_contains("location"), p.if_contains("properties"),
                                         "importDocumentationPartsInput");
    if (!doc) {
      if (failOnWarnings) return doc.takeError();
      warnings.push_back("Documentation part skipped: " + doc.error().message);
      continue;
    }
    checked.push_back(std::move(doc).value());
  }
  std::map<std::string, bj::object> byLocation;  // the API's parts before the write, by location (merge)
  if (!overwrite) {
    for (auto& old : listDocs(ctx, kDocumentationPart, apiId)) {
      const bj::object* loc = json::obj(old, "location");
      if (loc) byLocation[documentationLocationKey(*loc)] = std::move(old);
    }
  }
  std::set<std::string> keys;  // every location after the write
  for (const auto& [key, old] : byLocation) keys.insert(key);
  std::set<std::string> imported;
  for (const auto& doc : checked) {
    const std::string key = documentationLocationKey(doc.at("location").as_object());
    if (!imported.insert(key).second) {
      warnings.push_back("Documentation part for " + key + " appears twice: the last one is kept");
    }
    keys.insert(key);
  }
  if (keys.size() > kMaxDocumentationParts) {
    return ApiError{
        "LimitExceededException", 429,
        "Maximum number of documentation parts (" + std::to_string(kMaxDocumentationParts) + ") reached for this API"};
  }
  // Nothing is refused from here on: the writes.
  if (overwrite) {
    for (const auto& old : listDocs(ctx, kDocumentationPart, apiId))
      ctx.store.remove(kDocumentationPart, apiId, json::strOr(old, "id", ""));
  }
  std::vector<std::string> ids;
  for (auto& doc : checked) {
    const std::string key = documentationLocationKey(doc.at("location").as_object());
    auto it = byLocation.find(key);
    if (it == byLocation.end()) {
      bj::object part{{"id", ctx.ids.alnum(6)}};
      for (auto& [k, v] : doc) part[k] = v;
      it = byLocation.emplace(key, std::move(part)).first;
    } else {
      // Merge: each imported property replaces the same one; the others stay.
      bj::object merged = openapi::documentationProperties(it->second);
      for (auto& [k, v] : openapi::documentationProperties(doc)) merged[k] = v;
      it->second["properties"] = bj::serialize(merged);
    }
    const std::string id = json::strOr(it->second, "id", "");
    saveDoc(ctx, kDocumentationPart, apiId, id, it->second);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

std::optional<bj::object> documentationExtension(ApiGatewayContext& ctx, const std::string& apiId,
                                                 const bj::object& stage) {
  const std::string version = json::strOr(stage, "documentationVersion", "");
  if (version.empty()) return std::nullopt;
  auto meta = loadDoc(ctx, kDocumentationVersion, apiId, version);
  auto snapshot = loadDoc(ctx, kDocumentationSnapshot, apiId, version);
  if (!meta || !snapshot) return std::nullopt;
  bj::array parts;
  if (const bj::value* list = snapshot->if_contains("parts"); list && list->is_array()) {
    for (const auto& p : list->get_array()) {
      if (!p.is_object()) continue;
      const bj::object* loc = json::obj(p.get_object(), "location");
      parts.push_back(bj::object{{"location", loc ? exportedLocation(*loc) : bj::object{}},
                                 {"properties", openapi::documentationProperties(p.get_object())}});
    }
  }
  bj::object ext{{"version", version}};
  if (auto* created = meta->if_contains("createdDate"); created && created->is_int64()) {
    ext["createdDate"] =
        fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(created->get_int64())));
  }
  ext["documentationParts"] = std::move(parts);
  return ext;
}

void registerDocumentationPartRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::post, "restapis/{}/documentation/parts",
             [&ctx](const AdminCall& call) { return createPart(ctx, call); });
  routes.add(verb::get, "restapis/{}/documentation/parts",
             [&ctx](const AdminCall& call) { return listParts(ctx, call); });
  routes.add(verb::put, "restapis/{}/documentation/parts",
             [&ctx](const AdminCall& call) { return importParts(ctx, call); });
  routes.add(verb::get, "restapis/{}/documentation/parts/{}",
             [&ctx](const AdminCall& call) { return getChild(ctx, kParts, call); });
  routes.add(verb::patch, "restapis/{}/documentation/parts/{}",
             [&ctx](const AdminCall& call) { return updatePart(ctx, call); });
  routes.add(verb::delete_, "restapis/{}/documentation/parts/{}",
             [&ctx](const AdminCall& call) { return deleteChild(ctx, kParts, call, {}); });
}

}  // namespace portico::control::apigateway
