#include "openapi/importer.h"

#include <boost/json.hpp>
#include <cctype>
#include <map>
#include <set>

#include "common/json_util.h"

namespace portico::openapi {
namespace bj = boost::json;
namespace {

constexpr std::string_view kExt = "x-amazon-apigateway-";
constexpr int kMaxRefHops = 16;

ApiError invalid(const std::string& why) {
  return ApiError::badRequest("Invalid OpenAPI input: " + why);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// The extensions this importer reads, by where they may appear.
const std::set<std::string, std::less<>>& knownExtensions() {
  static const std::set<std::string, std::less<>> known = {"x-amazon-apigateway-integration",
                                                           "x-amazon-apigateway-any-method",
                                                           "x-amazon-apigateway-authorizer",
                                                           "x-amazon-apigateway-authtype",
                                                           "x-amazon-apigateway-api-key-source",
                                                           "x-amazon-apigateway-binary-media-types",
                                                           "x-amazon-apigateway-request-validators",
                                                           "x-amazon-apigateway-request-validator",
                                                           "x-amazon-apigateway-gateway-responses",
                                                           "x-amazon-apigateway-minimum-compression-size",
                                                           "x-amazon-apigateway-policy",
                                                           "x-amazon-apigateway-endpoint-configuration",
                                                           "x-amazon-apigateway-importexport-version",
                                                           "x-amazon-apigateway-disable-execute-api-endpoint"};
  return known;
}

class Importer {
 public:
  Importer(const bj::value& root, const ImportOptions& options)
      : root_(root), doc_(root.get_object()), options_(options) {}

  Result<ImportedApi> run() {
    oas3_ = doc_.contains("openapi");
    const std::string version = json::strOr(doc_, oas3_ ? "openapi" : "swagger", "");
    if (oas3_ ? !version.starts_with("3.") : version != "2.0") {
      return invalid("the document must declare 'openapi: 3.0.x' or 'swagger: \"2.0\"'");
    }
    const bj::object* info = json::obj(doc_, "info");
    const std::string title = info ? json::strOr(*info, "title", "") : "";
    if (title.empty()) return invalid("info.title is required (it names the API)");
    out_.api["name"] = title;
    if (auto d = json::str(*info, "description")) out_.api["description"] = *d;
    if (auto v = json::str(*info, "version")) out_.api["version"] = *v;
    topLevelExtensions();
    apiTags();
    if (!options_.ignoreDocumentation && doc_.contains(kDocumentationExtension)) {
      auto documentation = importDocumentation(root_);
      if (!documentation) return documentation.takeError();
      for (auto& w : documentation->warnings) warn(std::move(w));
      documentation->warnings.clear();
      out_.documentation = std::move(documentation).value();
    }
    models();
    if (auto st = securitySchemes(); !st) return st.takeError();
    const std::string base = basePath();
    const bj::object* paths = json::obj(doc_, "paths");
    if (!paths) return invalid("'paths' is required");
    for (const auto& [rawPath, item] : *paths) {
      if (!item.is_object())
        return invalid("the path item '" + std::string(rawPath).substr(0, 200) + "' is not an object");
      std::string path(rawPath);
      if (!path.starts_with("/")) return invalid("path '" + path.substr(0, 200) + "' must start with '/'");
      if (options_.basepath == "prepend" && !base.empty()) path = base + (path == "/" ? "" : path);
      if (path.size() > 1 && path.ends_with("/")) path.pop_back();
      if (!seenPaths_.insert(path).second) return invalid("duplicate path '" + path.substr(0, 200) + "'");
      if (seenPaths_.size() > kMaxPaths) {
        return invalid("the document has more than " + std::to_string(kMaxPaths) + " paths");
      }
      auto methods = pathItem(path, item.get_object());
      if (!methods) return methods.takeError();
      out_.resources.push_back({path, std::move(*methods)});
    }
    return std::move(out_);
  }

 private:
  void warn(std::string w) { out_.warnings.push_back(std::move(w)); }

  /// A local "$ref" ("#/components/parameters/x") followed to what it names.
  Result<const bj::object*> deref(const bj::object& o) {
    const bj::object* at = &o;
    for (int hop = 0; hop < kMaxRefHops; ++hop) {
      auto ref = json::str(*at, "$ref");
      if (!ref) return at;
      if (!ref->starts_with("#/")) return invalid("only local $refs are supported: " + ref->substr(0, 200));
      boost::system::error_code ec;
      const bj::value* target = root_.find_pointer(ref->substr(1), ec);
      if (!target || !target->is_object()) return invalid("$ref " + ref->substr(0, 200) + " names nothing");
      at = &target->get_object();
    }
    return invalid("a $ref cycle");
  }

  /// "#/components/schemas/Pet" / "#/definitions/Pet" → "Pet"; "" for anything else.
  std::string modelName(const bj::value* schema) const {
    if (!schema || !schema->is_object()) return "";
    auto ref = json::str(schema->get_object(), "$ref");
    if (!ref) return "";
    for (std::string_view prefix : {"#/components/schemas/", "#/definitions/"}) {
      if (ref->starts_with(prefix)) return ref->substr(prefix.size());
    }
    return "";
  }

  /// The model a schema names: its $ref's or, for a schema written inline, a model made of it
  /// (named after the method, made unique; the same inline schema twice is one model). "" when
  /// there is none: no schema, an empty one, or a $ref to something else than a schema (warned).
  std::string modelFor(const bj::value* schema, const std::string& suggested) {
    if (!schema || !schema->is_object() || schema->get_object().empty()) return "";
    if (auto ref = json::str(schema->get_object(), "$ref")) {
      std::string name = modelName(schema);
      if (name.empty()) {
        warn("Unsupported schema reference " + ref->substr(0, 200) +
             ": only #/components/schemas/... and #/definitions/... become models; skipped");
      }
      return name;
    }
    bj::object s = rewriteRefs(*schema).get_object();
    if (!s.contains("$schema")) s["$schema"] = "http://json-schema.org/draft-04/schema#";
    const std::string text = bj::serialize(s);
    if (auto it = inlineModels_.find(text); it != inlineModels_.end()) return it->second;
    if (out_.models.size() >= kMaxModels) {
      warn("More than " + std::to_string(kMaxModels) + " models: the inline schema of " + suggested + " is skipped");
      return "";
    }
    std::string name = suggested;
    for (int n = 2; modelNames_.contains(name); ++n) name = suggested + std::to_string(n);
    if (!s.contains("title")) s["title"] = name;
    out_.models.push_back(
        bj::object{{"name", name}, {"contentType", "application/json"}, {"schema", bj::serialize(s)}});
    modelNames_.insert(name);
    inlineModels_.emplace(text, name);
    return name;
  }

  /// "POST" "/pets/{petId}" → "PostPetsPetId": what an inline schema's model is named after.
  static std::string methodModelBase(const std::string& verb, const std::string& path) {
    std::string out;
    bool upper = true;
    for (char c : verb + "/" + path) {
      if (!std::isalnum(static_cast<unsigned char>(c))) {
        upper = true;
        continue;
      }
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                   : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      upper = false;
    }
    return out.empty() ? "Root" : out.substr(0, 200);
  }

  /// The root `tags` that carry x-amazon-apigateway-tag-value: the API's tags (name → value).
  void apiTags() {
    const bj::value* tags = doc_.if_contains("tags");
    if (!tags || !tags->is_array()) return;
    bj::object out;
    for (const auto& t : tags->get_array()) {
      if (!t.is_object()) continue;
      const bj::value* value = t.get_object().if_contains("x-amazon-apigateway-tag-value");
      const auto name = json::str(t.get_object(), "name");
      if (!value) continue;  // an OpenAPI tag of operations, not one of the API
      if (!value->is_string() || !name || name->empty()) {
        warn("A tag with x-amazon-apigateway-tag-value needs a name and a string value: skipped");
        continue;
      }
      out[*name] = *value;
    }
    if (!out.empty()) out_.api["tags"] = std::move(out);
  }

  void topLevelExtensions() {
    for (const auto& [k, v] : doc_) {
      if (!k.starts_with(kExt)) continue;
      if (k == "x-amazon-apigateway-binary-media-types" && v.is_array()) {
        out_.api["binaryMediaTypes"] = v;
      } else if (k == "x-amazon-apigateway-api-key-source" && v.is_string()) {
        out_.api["apiKeySource"] = v;
      } else if (k == "x-amazon-apigateway-minimum-compression-size" && v.is_int64()) {
        out_.api["minimumCompressionSize"] = v;
      } else if (k == "x-amazon-apigateway-policy") {
        out_.api["policy"] = v.is_string() ? std::string(v.get_string()) : bj::serialize(v);
      } else if (k == "x-amazon-apigateway-endpoint-configuration" && v.is_object()) {
        bj::object ec;
        if (auto* t = v.get_object().if_contains("types")) ec["types"] = *t;
        if (auto* ids = v.get_object().if_contains("vpcEndpointIds")) ec["vpcEndpointIds"] = *ids;
        if (!ec.empty()) out_.api["endpointConfiguration"] = std::move(ec);
        if (auto* d = v.get_object().if_contains("disableExecuteApiEndpoint"); d && d->is_bool()) {
          out_.api["disableExecuteApiEndpoint"] = *d;
        }
      } else if (k == "x-amazon-apigateway-request-validators" && v.is_object()) {
        for (const auto& [name, rv] : v.get_object()) {
          if (!rv.is_object()) continue;
          const auto& o = rv.get_object();
          out_.requestValidators.push_back(bj::object{
              {"name", name},
              {"validateRequestBody", o.contains("validateRequestBody") && o.at("validateRequestBody") == true},
              {"validateRequestParameters",
               o.contains("validateRequestParameters") && o.at("validateRequestParameters") == true}});
        }
      } else if (k == "x-amazon-apigateway-request-validator" && v.is_string()) {
        defaultValidator_ = std::string(v.get_string());
      } else if (k == "x-amazon-apigateway-gateway-responses" && v.is_object()) {
        for (const auto& [type, gr] : v.get_object()) {
          if (!gr.is_object()) continue;
          bj::object r{{"responseType", type}};
          for (auto field : {"statusCode", "responseParameters", "responseTemplates"}) {
            if (auto* f = gr.get_object().if_contains(field)) r[field] = *f;
          }
          out_.gatewayResponses.push_back(std::move(r));
        }
      } else if (k == kDocumentationExtension) {
        // read by importDocumentation (documentation.h)
      } else if (!knownExtensions().contains(k)) {
        warn("Unsupported extension " + std::string(k) + ": skipped");
      }
    }
  }

  /// A schema object with its $refs to other schemas rewritten to API Gateway model URLs.
  bj::value rewriteRefs(const bj::value& v, int depth = 0) const {
    if (depth > 64) return v;
    if (v.is_object()) {
      bj::object out;
      for (const auto& [k, item] : v.get_object()) {
        if (k == "$ref" && item.is_string()) {
          std::string name = modelName(&v);
          if (!name.empty()) {
            out[k] = "https://apigateway.amazonaws.com/restapis/" + std::string(kRestApiIdToken) + "/models/" + name;
            continue;
          }
        }
        out[k] = rewriteRefs(item, depth + 1);
      }
      return out;
    }
    if (v.is_array()) {
      bj::array out;
      for (const auto& item : v.get_array()) out.push_back(rewriteRefs(item, depth + 1));
      return out;
    }
    return v;
  }

  void models() {
    const bj::object* schemas = nullptr;
    if (oas3_) {
      if (auto* c = json::obj(doc_, "components")) schemas = json::obj(*c, "schemas");
    } else {
      schemas = json::obj(doc_, "definitions");
    }
    if (!schemas) return;
    for (const auto& [name, schema] : *schemas) {
      if (!schema.is_object()) continue;
      if (out_.models.size() >= kMaxModels) {
        warn("More than " + std::to_string(kMaxModels) + " schemas: the rest are skipped");
        break;
      }
      bj::object s = rewriteRefs(schema).get_object();
      if (!s.contains("$schema")) s["$schema"] = "http://json-schema.org/draft-04/schema#";
      if (!s.contains("title")) s["title"] = name;
      bj::object model{{"name", name}, {"contentType", "application/json"}, {"schema", bj::serialize(s)}};
      if (auto d = json::str(schema.get_object(), "description")) model["description"] = *d;
      out_.models.push_back(std::move(model));
      modelNames_.insert(std::string(name));
    }
  }

  Status securitySchemes() {
    const bj::object* schemes = nullptr;
    if (oas3_) {
      if (auto* c = json::obj(doc_, "components")) schemes = json::obj(*c, "securitySchemes");
    } else {
      schemes = json::obj(doc_, "securityDefinitions");
    }
    if (!schemes) return Ok{};
    for (const auto& [name, v] : *schemes) {
      if (!v.is_object()) continue;
      const auto& s = v.get_object();
      const std::string type = json::strOr(s, "type", "");
      const std::string authtype = json::strOr(s, "x-amazon-apigateway-authtype", "");
      if (const auto* a = json::obj(s, "x-amazon-apigateway-authorizer")) {
        bj::object auth{{"name", name}};
        std::string atype = upper(json::strOr(*a, "type", "token"));
        if (atype == "COGNITO_USER_POOLS") {
          auth["type"] = "COGNITO_USER_POOLS";
          if (auto* arns = a->if_contains("providerARNs")) auth["providerARNs"] = *arns;
        } else {
          auth["type"] = atype == "REQUEST" ? "REQUEST" : "TOKEN";
        }
        if (auto u = json::str(*a, "authorizerUri")) auth["authorizerUri"] = *u;
        if (auto c = json::str(*a, "authorizerCredentials")) auth["authorizerCredentials"] = *c;
        if (auto ttl = a->if_contains("authorizerResultTtlInSeconds"); ttl && ttl->is_int64()) {
          auth["authorizerResultTtlInSeconds"] = *ttl;
        }
        if (auto iv = json::str(*a, "identityValidationExpression")) auth["identityValidationExpression"] = *iv;
        std::string source = json::strOr(*a, "identitySource", "");
        if (source.empty() && type == "apiKey" && json::strOr(s, "in", "") == "header") {
          source = "method.request.header." + json::strOr(s, "name", "Authorization");
        }
        if (!source.empty()) auth["identitySource"] = source;
        schemes_[std::string(name)] = atype == "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM";
        out_.authorizers.push_back(std::move(auth));
      } else if (authtype == "awsSigv4") {
        schemes_[std::string(name)] = "AWS_IAM";
      } else if (type == "apiKey" && json::strOr(s, "name", "") == "x-api-key") {
        schemes_[std::string(name)] = "API_KEY";
      } else {
        warn("Security scheme " + std::string(name) + " is not supported by API Gateway: skipped");
      }
    }
    return Ok{};
  }

  std::string basePath() const {
    std::string base;
    if (oas3_) {
      if (auto* servers = doc_.if_contains("servers");
          servers && servers->is_array() && !servers->get_array().empty()) {
        const auto& s0 = servers->get_array()[0];
        if (s0.is_object()) {
          std::string url = json::strOr(s0.get_object(), "url", "");
          auto scheme = url.find("://");
          auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
          base = slash == std::string::npos ? "" : url.substr(slash);
          if (auto* vars = json::obj(s0.get_object(), "variables")) {  // {basePath} with its default
            for (const auto& [k, var] : *vars) {
              const std::string token = "{" + std::string(k) + "}";
              if (auto pos = base.find(token); pos != std::string::npos && var.is_object()) {
                base.replace(pos, token.size(), json::strOr(var.get_object(), "default", ""));
              }
            }
          }
        }
      }
    } else {
      base = json::strOr(doc_, "basePath", "");
    }
    for (auto at = base.find("//"); at != std::string::npos; at = base.find("//")) base.erase(at, 1);
    while (base.size() > 1 && base.ends_with("/")) base.pop_back();
    if (base == "/") base.clear();
    if (options_.basepath == "split" && !base.empty()) {  // the first segment is the stage's: drop it
      auto next = base.find('/', 1);
      base = next == std::string::npos ? "" : base.substr(next);
    }
    return base;
  }

  Result<bj::object> pathItem(const std::string& path, const bj::object& item) {
    bj::object methods;
    std::vector<const bj::object*> shared;
    if (auto* ps = item.if_contains("parameters"); ps && ps->is_array()) {
      for (const auto& p : ps->get_array()) {
        if (!p.is_object()) continue;
        auto d = deref(p.get_object());
        if (!d) return d.takeError();
        shared.push_back(*d);
      }
    }
    for (const auto& [verbName, op] : item) {
      std::string verb;
      if (verbName == "x-amazon-apigateway-any-method") {
        verb = "ANY";
      } else if (verbName == "parameters" || verbName == "summary" || verbName == "description" ||
                 verbName == "servers") {
        continue;
      } else if (verbName.starts_with("x-")) {
        if (verbName.starts_with(kExt))
          warn("Unsupported extension " + std::string(verbName) + " on " + path + ": skipped");
        continue;
      } else {
        verb = upper(std::string(verbName));
        static const std::set<std::string> kVerbs = {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"};
        if (!kVerbs.contains(verb)) {
          warn("Unknown operation " + std::string(verbName) + " on " + path + ": skipped");
          continue;
        }
      }
      if (!op.is_object()) return invalid("the operation " + verb + " " + path + " is not an object");
      if (methods.contains(verb)) return invalid("duplicate method " + verb + " on " + path);
      auto method = operation(path, verb, op.get_object(), shared);
      if (!method) return method.takeError();
      methods[verb] = std::move(*method);
    }
    return methods;
  }

  Result<bj::object> operation(const std::string& path, const std::string& verb, const bj::object& op,
                               const std::vector<const bj::object*>& shared) {
    bj::object m{{"httpMethod", verb}, {"authorizationType", "NONE"}, {"apiKeyRequired", false}};
    if (auto id = json::str(op, "operationId")) m["operationName"] = *id;
    bj::object params, requestModels;
    std::vector<const bj::object*> all = shared;
    if (auto* ps = op.if_contains("parameters"); ps && ps->is_array()) {
      for (const auto& p : ps->get_array()) {
        if (!p.is_object()) continue;
        auto d = deref(p.get_object());
        if (!d) return d.takeError();
        all.push_back(*d);
      }
    }
    for (const bj::object* p : all) {
      const std::string in = json::strOr(*p, "in", ""), name = json::strOr(*p, "name", "");
      if (name.empty()) continue;
      if (in == "path" || in == "query" || in == "header") {
        const std::string where = in == "query" ? "querystring" : in;
        bool required = in == "path" || (p->contains("required") && p->at("required") == true);
        params["method.request." + where + "." + name] = required;
      } else if (in == "body") {  // Swagger 2.0's request body
        std::string model = modelFor(p->if_contains("schema"), methodModelBase(verb, path) + "Request");
        if (!model.empty()) {
          bj::array consumes;
          if (auto* c = op.if_contains("consumes"); c && c->is_array()) consumes = c->get_array();
          if (auto* c = doc_.if_contains("consumes"); consumes.empty() && c && c->is_array()) consumes = c->get_array();
          if (consumes.empty()) consumes.push_back("application/json");
          for (const auto& type : consumes) {
            if (type.is_string()) requestModels[type.get_string()] = model;
          }
        }
      }
    }
    if (auto* body = json::obj(op, "requestBody")) {
      auto d = deref(*body);
      if (!d) return d.takeError();
      if (auto* content = json::obj(**d, "content")) {
        for (const auto& [type, media] : *content) {
          std::string model = media.is_object() ? modelFor(media.get_object().if_contains("schema"),
                                                           methodModelBase(verb, path) + "Request")
                                                : "";
          if (!model.empty()) requestModels[type] = model;
        }
      }
    }
    if (!params.empty()) m["requestParameters"] = std::move(params);
    if (!requestModels.empty()) m["requestModels"] = std::move(requestModels);
    if (auto st = methodResponses(op, m, methodModelBase(verb, path)); !st) return st.takeError();
    security(op, m);
    std::string validator = json::strOr(op, "x-amazon-apigateway-request-validator", defaultValidator_);
    if (!validator.empty()) m["_requestValidator"] = validator;
    if (const auto* integration = json::obj(op, "x-amazon-apigateway-integration")) {
      m["methodIntegration"] = methodIntegration(*integration);
    } else {
      warn("No integration defined for method " + verb + " " + path);
    }
    for (const auto& [k, v] : op) {
      if (k.starts_with(kExt) && k != "x-amazon-apigateway-integration" &&
          k != "x-amazon-apigateway-request-validator") {
        warn("Unsupported extension " + std::string(k) + " on " + verb + " " + path + ": skipped");
      }
      (void)v;
    }
    return m;
  }

  Status methodResponses(const bj::object& op, bj::object& m, const std::string& modelBase) {
    const bj::object* responses = json::obj(op, "responses");
    if (!responses) return Ok{};
    bj::object out;
    for (const auto& [code, r] : *responses) {
      if (code == "default" || !r.is_object()) continue;
      auto d = deref(r.get_object());
      if (!d) return d.takeError();
      bj::object mr{{"statusCode", code}};
      bj::object headers, models;
      if (auto* hs = json::obj(**d, "headers")) {
        for (const auto& [h, hv] : *hs) {
          (void)hv;
          headers["method.response.header." + std::string(h)] = false;
        }
      }
      if (oas3_) {
        if (auto* content = json::obj(**d, "content")) {
          for (const auto& [type, media] : *content) {
            std::string model = media.is_object() ? modelFor(media.get_object().if_contains("schema"),
                                                             modelBase + std::string(code) + "Response")
                                                  : "";
            if (!model.empty()) models[type] = model;
          }
        }
      } else if (std::string model = modelFor((*d)->if_contains("schema"), modelBase + std::string(code) + "Response");
                 !model.empty()) {
        bj::array produces;
        if (auto* p = op.if_contains("produces"); p && p->is_array()) produces = p->get_array();
        if (produces.empty()) produces.push_back("application/json");
        for (const auto& type : produces) {
          if (type.is_string()) models[type.get_string()] = model;
        }
      }
      if (!headers.empty()) mr["responseParameters"] = std::move(headers);
      if (!models.empty()) mr["responseModels"] = std::move(models);
      out[code] = std::move(mr);
    }
    if (!out.empty()) m["methodResponses"] = std::move(out);
    return Ok{};
  }

  void security(const bj::object& op, bj::object& m) {
    const bj::value* sec = op.if_contains("security");
    if (!sec) sec = doc_.if_contains("security");
    if (!sec || !sec->is_array()) return;
    for (const auto& requirement : sec->get_array()) {
      if (!requirement.is_object()) continue;
      for (const auto& [name, scopes] : requirement.get_object()) {
        auto it = schemes_.find(name);
        if (it == schemes_.end()) continue;
        if (it->second == "API_KEY") {
          m["apiKeyRequired"] = true;
        } else if (it->second == "AWS_IAM") {
          m["authorizationType"] = "AWS_IAM";
        } else {
          m["authorizationType"] = it->second;
          m["_authorizer"] = name;
          if (scopes.is_array() && !scopes.get_array().empty()) m["authorizationScopes"] = scopes;
        }
      }
    }
  }

  bj::object methodIntegration(const bj::object& x) {
    bj::object i;
    i["type"] = upper(json::strOr(x, "type", "mock"));
    if (auto v = json::str(x, "httpMethod")) i["httpMethod"] = upper(*v);
    for (auto field : {"uri", "credentials", "contentHandling", "cacheNamespace", "connectionId"}) {
      if (auto v = json::str(x, field)) i[field] = *v;
    }
    if (auto v = json::str(x, "connectionType")) i["connectionType"] = upper(*v);
    if (auto v = json::str(x, "passthroughBehavior")) i["passthroughBehavior"] = upper(*v);
    if (!i.contains("passthroughBehavior")) i["passthroughBehavior"] = "WHEN_NO_MATCH";
    for (auto field : {"requestParameters", "requestTemplates", "tlsConfig"}) {
      if (auto* v = json::obj(x, field)) i[field] = *v;
    }
    if (auto* keys = x.if_contains("cacheKeyParameters"); keys && keys->is_array()) i["cacheKeyParameters"] = *keys;
    if (auto* t = x.if_contains("timeoutInMillis"); t && t->is_int64()) i["timeoutInMillis"] = *t;
    if (!i.contains("timeoutInMillis")) i["timeoutInMillis"] = 29000;
    if (const auto* responses = json::obj(x, "responses")) {
      bj::object out;
      for (const auto& [pattern, r] : *responses) {
        if (!r.is_object()) continue;
        const auto& ro = r.get_object();
        bj::object ir;
        std::string status;
        if (auto* s = ro.if_contains("statusCode"))
          status = s->is_string() ? std::string(s->get_string()) : bj::serialize(*s);
        if (status.empty()) continue;
        ir["statusCode"] = status;
        if (pattern != "default") ir["selectionPattern"] = pattern;
        for (auto field : {"responseParameters", "responseTemplates"}) {
          if (auto* v = json::obj(ro, field)) ir[field] = *v;
        }
        if (auto v = json::str(ro, "contentHandling")) ir["contentHandling"] = *v;
        out[status] = std::move(ir);
      }
      if (!out.empty()) i["integrationResponses"] = std::move(out);
    }
    return i;
  }

  const bj::value& root_;
  std::set<std::string> modelNames_;                 // the models so far (document schemas, then inline ones)
  std::map<std::string, std::string> inlineModels_;  // an inline schema's text → its model
  const bj::object& doc_;
  const ImportOptions& options_;
  bool oas3_ = false;
  ImportedApi out_;
  std::string defaultValidator_;
  std::set<std::string> seenPaths_;
  std::map<std::string, std::string, std::less<>> schemes_;  // security scheme → API_KEY / AWS_IAM / CUSTOM / COGNITO
};

}  // namespace

Result<ImportedApi> importDocument(const bj::value& document, const ImportOptions& options) {
  if (!document.is_object()) return invalid("the document is not an object");
  if (options.basepath != "ignore" && options.basepath != "prepend" && options.basepath != "split") {
    return ApiError::badRequest("Invalid basepath value: " + options.basepath.substr(0, 50) +
                                ". Valid values are ignore, prepend and split");
  }
  Importer importer(document, options);
  return importer.run();
}

}  // namespace portico::openapi
