#include "openapi/documentation.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <span>
#include <string_view>

#include "common/json_util.h"

namespace portico::openapi {
namespace bj = boost::json;
namespace {

using json::strOr;

/// Copies the keys of `props` that `target` documents in OpenAPI (`keys`) and every x-* key.
void inject(bj::object& target, const bj::object& props, std::span<const std::string_view> keys) {
  for (const auto& [k, v] : props) {
    const bool extension = k.size() > 2 && k.starts_with("x-");
    if (extension || std::find(keys.begin(), keys.end(), std::string_view(k)) != keys.end()) target[k] = v;
  }
}

constexpr std::string_view kOperationKeys[] = {"summary",      "description", "tags",
                                               "externalDocs", "deprecated",  "operationId"};
constexpr std::string_view kParameterKeys[] = {"description", "deprecated", "example"};
constexpr std::string_view kDescriptionOnly[] = {"description"};
constexpr std::string_view kSchemaKeys[] = {"description", "title", "example"};
constexpr std::string_view kInfoKeys[] = {"description", "termsOfService", "contact", "license"};
constexpr std::string_view kRootKeys[] = {"externalDocs", "tags"};

/// path is part's path or, for the types that inherit, beneath it ("/" covers everything).
bool pathCovers(std::string_view partPath, std::string_view path, bool inherits) {
  if (partPath == path) return true;
  if (!inherits) return false;
  if (partPath == "/") return true;
  return path.starts_with(partPath) && path.size() > partPath.size() && path[partPath.size()] == '/';
}

bool inherits(std::string_view type) {
  return type == "PATH_PARAMETER" || type == "QUERY_PARAMETER" || type == "REQUEST_HEADER" || type == "RESPONSE" ||
         type == "RESPONSE_HEADER" || type == "RESPONSE_BODY";
}

/// The exported operation's verb for a location method ("ANY" is the any-method extension).
std::string operationKey(std::string_view method) {
  if (method == "ANY") return "x-amazon-apigateway-any-method";
  std::string out(method);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool isOperationKey(std::string_view k) {
  for (std::string_view v :
       {"get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"})
    if (k == v) return true;
  return false;
}

/// How specific a location is: longer paths, then a named method, then a named status code win.
std::size_t specificity(const bj::object& loc) {
  return strOr(loc, "path", "/").size() * 4 + (strOr(loc, "method", "*") != "*" ? 2 : 0) +
         (strOr(loc, "statusCode", "*") != "*" ? 1 : 0);
}

struct Part {
  bj::object location;
  bj::object properties;
};

void documentParameters(bj::value* parameters, std::string_view in, const Part& part) {
  if (!parameters || !parameters->is_array()) return;
  const std::string name = strOr(part.location, "name", "");
  for (auto& p : parameters->get_array()) {
    if (!p.is_object()) continue;
    auto& o = p.get_object();
    if (strOr(o, "in", "") == in && strOr(o, "name", "") == name) inject(o, part.properties, kParameterKeys);
  }
}

void documentOperation(bj::object& op, const Part& part, bool oas30) {
  const std::string type = strOr(part.location, "type", "");
  if (type == "METHOD") {
    inject(op, part.properties, kOperationKeys);
  } else if (type == "PATH_PARAMETER") {
    documentParameters(op.if_contains("parameters"), "path", part);
  } else if (type == "QUERY_PARAMETER") {
    documentParameters(op.if_contains("parameters"), "query", part);
  } else if (type == "REQUEST_HEADER") {
    documentParameters(op.if_contains("parameters"), "header", part);
  } else if (type == "REQUEST_BODY") {
    if (oas30) {
      if (auto* body = op.if_contains("requestBody"); body && body->is_object())
        inject(body->get_object(), part.properties, kDescriptionOnly);
    } else if (auto* params = op.if_contains("parameters"); params && params->is_array()) {
      for (auto& p : params->get_array()) {
        if (p.is_object() && strOr(p.get_object(), "in", "") == "body")
          inject(p.get_object(), part.properties, kDescriptionOnly);
      }
    }
  } else if (type == "RESPONSE" || type == "RESPONSE_HEADER") {
    auto* responses = op.if_contains("responses");
    if (!responses || !responses->is_object()) return;
    const std::string status = strOr(part.location, "statusCode", "*");
    for (auto& [code, r] : responses->get_object()) {
      if ((status != "*" && code != status) || !r.is_object()) continue;
      if (type == "RESPONSE") {
        inject(r.get_object(), part.properties, kDescriptionOnly);
      } else if (auto* headers = r.get_object().if_contains("headers"); headers && headers->is_object()) {
        if (auto* h = headers->get_object().if_contains(strOr(part.location, "name", "")); h && h->is_object())
          inject(h->get_object(), part.properties, kDescriptionOnly);
      }
    }
  }
}

}  // namespace

bj::object documentationProperties(const bj::object& part) {
  const bj::value* p = part.if_contains("properties");
  if (p && p->is_object()) return p->get_object();
  if (p && p->is_string()) return json::parseObject(p->get_string()).value_or(bj::object{});
  return {};
}

Result<ImportedDocumentation> importDocumentation(const bj::value& document) {
  ImportedDocumentation out;
  if (!document.is_object()) return out;
  const bj::value* ext = document.get_object().if_contains(kDocumentationExtension);
  if (!ext) return out;
  if (!ext->is_object()) {
    return ApiError::badRequest(
        "Invalid x-amazon-apigateway-documentation: expected an object with documentationParts");
  }
  const bj::object& o = ext->get_object();
  out.version = strOr(o, "version", "");
  const bj::value* parts = o.if_contains("documentationParts");
  if (!parts) return out;
  if (!parts->is_array()) {
    return ApiError::badRequest("Invalid x-amazon-apigateway-documentation: documentationParts must be an array");
  }
  for (const auto& p : parts->get_array()) {
    if (!p.is_object()) {
      out.warnings.push_back("Documentation part skipped: not an object");
      continue;
    }
    out.parts.push_back(p.get_object());
  }
  return out;
}

void applyDocumentation(bj::object& exported, const bj::object& extension, bool oas30) {
  std::vector<Part> parts;
  if (const bj::value* list = extension.if_contains("documentationParts"); list && list->is_array()) {
    for (const auto& p : list->get_array()) {
      if (!p.is_object()) continue;
      const bj::value* loc = p.get_object().if_contains("location");
      if (!loc || !loc->is_object()) continue;
      parts.push_back(Part{loc->get_object(), documentationProperties(p.get_object())});
    }
  }
  // General first, specific last: what is written last wins.
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& a, const Part& b) { return specificity(a.location) < specificity(b.location); });
  // (Looked up for each part: a key added at the root moves the others.)
  auto section = [&](std::string_view oasName, std::string_view swaggerName) -> bj::object* {
    bj::value* v = exported.if_contains(oas30 ? "components" : swaggerName);
    if (v && oas30) v = v->is_object() ? v->get_object().if_contains(oasName) : nullptr;
    return v && v->is_object() ? &v->get_object() : nullptr;
  };
  for (const Part& part : parts) {
    const std::string type = strOr(part.location, "type", "");
    bj::value* paths = exported.if_contains("paths");
    if (type == "API") {
      if (auto* info = exported.if_contains("info"); info && info->is_object())
        inject(info->get_object(), part.properties, kInfoKeys);
      inject(exported, part.properties, kRootKeys);
    } else if (type == "MODEL" || type == "AUTHORIZER") {
      bj::object* where =
          type == "MODEL" ? section("schemas", "definitions") : section("securitySchemes", "securityDefinitions");
      if (!where) continue;
      if (auto* entity = where->if_contains(strOr(part.location, "name", "")); entity && entity->is_object())
        inject(entity->get_object(), part.properties,
               type == "MODEL" ? std::span<const std::string_view>(kSchemaKeys) : kDescriptionOnly);
    } else if (paths && paths->is_object()) {
      const std::string partPath = strOr(part.location, "path", "/"), method = strOr(part.location, "method", "*");
      for (auto& [path, item] : paths->get_object()) {
        if (!item.is_object() || !pathCovers(partPath, path, inherits(type))) continue;
        if (type == "RESOURCE") {
          inject(item.get_object(), part.properties, {});  // only x-*: a path item has no description in Swagger 2
          continue;
        }
        for (auto& [verb, op] : item.get_object()) {
          if (!op.is_object() || !isOperationKey(verb)) continue;
          if (method != "*" && operationKey(method) != std::string_view(verb)) continue;
          documentOperation(op.get_object(), part, oas30);
        }
      }
    }
  }
  exported[kDocumentationExtension] = extension;
}

}  // namespace portico::openapi
