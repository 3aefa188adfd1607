#include "openapi/exporter.h"

#include <boost/json.hpp>
#include <map>
#include <set>

#include "common/json_util.h"

namespace portico::openapi {
namespace bj = boost::json;
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Exporter {
 public:
  Exporter(const bj::object& snapshot, const ExportOptions& options)
      : snap_(snapshot), opt_(options), oas3_(options.format == ExportFormat::kOas30) {}

  bj::object run() {
    const bj::object* api = json::obj(snap_, "api");
    static const bj::object kEmpty;
    if (!api) api = &kEmpty;
    indexNamed();
    bj::object doc;
    bj::object info{{"title", json::strOr(*api, "name", "")}};
    if (auto d = json::str(*api, "description")) info["description"] = *d;
    info["version"] = json::strOr(*api, "version", "1.0");
    if (oas3_) {
      doc["openapi"] = "3.0.1";
      doc["info"] = std::move(info);
      doc["servers"] =
          bj::array{bj::object{{"url", "https://" + opt_.host + "/{basePath}"},
                               {"variables", bj::object{{"basePath", bj::object{{"default", opt_.stageName}}}}}}};
    } else {
      doc["swagger"] = "2.0";
      doc["info"] = std::move(info);
      doc["host"] = opt_.host;
      doc["basePath"] = "/" + opt_.stageName;
      doc["schemes"] = bj::array{"https"};
    }
    doc["paths"] = paths();
    bj::object schemas = models();
    bj::object schemes = securitySchemes();
    if (oas3_) {
      bj::object components;
      if (!schemas.empty()) components["schemas"] = std::move(schemas);
      if (!schemes.empty()) components["securitySchemes"] = std::move(schemes);
      if (!components.empty()) doc["components"] = std::move(components);
    } else {
      if (!schemas.empty()) doc["definitions"] = std::move(schemas);
      if (!schemes.empty()) doc["securityDefinitions"] = std::move(schemes);
    }
    if (opt_.integrations) topLevelExtensions(*api, doc);
    return doc;
  }

 private:
  void indexNamed() {
    if (auto* a = snap_.if_contains("authorizers"); a && a->is_array()) {
      for (const auto& v : a->get_array()) {
        if (v.is_object()) authorizers_[json::strOr(v.get_object(), "id", "")] = &v.get_object();
      }
    }
    if (auto* a = snap_.if_contains("requestValidators"); a && a->is_array()) {
      for (const auto& v : a->get_array()) {
        if (v.is_object()) validators_[json::strOr(v.get_object(), "id", "")] = &v.get_object();
      }
    }
  }

  std::string ref(const std::string& model) const {
    return (oas3_ ? "#/components/schemas/" : "#/definitions/") + model;
  }

  bj::value localRefs(const bj::value& v) const {
    if (v.is_object()) {
      bj::object out;
      for (const auto& [k, item] : v.get_object()) {
        if (k == "$schema") continue;
        if (k == "$ref" && item.is_string()) {
          std::string_view url = item.get_string();
          if (auto at = url.find("/models/");
              url.starts_with("https://apigateway.amazonaws.com/restapis/") && at != std::string_view::npos) {
            out[k] = ref(std::string(url.substr(at + 8)));
            continue;
          }
        }
        out[k] = localRefs(item);
      }
      return out;
    }
    if (v.is_array()) {
      bj::array out;
      for (const auto& item : v.get_array()) out.push_back(localRefs(item));
      return out;
    }
    return v;
  }

  bj::object models() const {
    bj::object out;
    auto* models = snap_.if_contains("models");
    if (!models || !models->is_array()) return out;
    for (const auto& m : models->get_array()) {
      if (!m.is_object()) continue;
      const std::string name = json::strOr(m.get_object(), "name", "");
      const std::string schema = json::strOr(m.get_object(), "schema", "");
      if (name.empty() || schema.empty()) continue;
      boost::system::error_code ec;
      bj::value parsed = bj::parse(schema, ec);
      if (ec || !parsed.is_object()) continue;
      bj::value local = localRefs(parsed);
      if (json::strOr(local.get_object(), "title", "") == name) local.get_object().erase("title");
      out[name] = std::move(local);
    }
    return out;
  }

  bj::object securitySchemes() {
    bj::object out;
    if (usesApiKey_) out["api_key"] = bj::object{{"type", "apiKey"}, {"name", "x-api-key"}, {"in", "header"}};
    if (usesSigv4_) {
      out["sigv4"] = bj::object{{"type", "apiKey"},
                                {"name", "Authorization"},
                                {"in", "header"},
                                {"x-amazon-apigateway-authtype", "awsSigv4"}};
    }
    for (const auto& [id, a] : authorizers_) {
      if (!usedAuthorizers_.contains(id)) continue;
      const std::string type = json::strOr(*a, "type", "TOKEN");
      std::string source = json::strOr(*a, "identitySource", "method.request.header.Authorization");
      std::string header = source.starts_with("method.request.header.") ? source.substr(22) : "Unused";
      bj::object scheme{
          {"type", "apiKey"},
          {"name", header},
          {"in", "header"},
          {"x-amazon-apigateway-authtype", type == "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom"}};
      if (opt_.integrations || opt_.authorizers) {
        bj::object ext{{"type", lower(type)}};
        for (auto field : {"authorizerUri", "authorizerCredentials", "identityValidationExpression"}) {
          if (auto v = json::str(*a, field)) ext[field] = *v;
        }
        if (type == "REQUEST") ext["identitySource"] = source;
        if (auto* arns = a->if_contains("providerARNs")) ext["providerARNs"] = *arns;
        if (auto* ttl = a->if_contains("authorizerResultTtlInSeconds")) ext["authorizerResultTtlInSeconds"] = *ttl;
        scheme["x-amazon-apigateway-authorizer"] = std::move(ext);
      }
      out[json::strOr(*a, "name", id)] = std::move(scheme);
    }
    return out;
  }

  bj::object paths() {
    std::map<std::string, bj::object> ordered;  // by path
    auto* resources = snap_.if_contains("resources");
    if (!resources || !resources->is_array()) return {};
    for (const auto& r : resources->get_array()) {
      if (!r.is_object()) continue;
      const auto* methods = json::obj(r.get_object(), "resourceMethods");
      if (!methods || methods->empty()) continue;
      bj::object item;
      for (const auto& [verb, m] : *methods) {
        if (!m.is_object()) continue;
        const std::string key = verb == "ANY" ? "x-amazon-apigateway-any-method" : lower(std::string(verb));
        item[key] = operation(m.get_object());
      }
      ordered[json::strOr(r.get_object(), "path", "/")] = std::move(item);
    }
    bj::object out;
    for (auto& [p, item] : ordered) out[p] = std::move(item);
    return out;
  }

  bj::object operation(const bj::object& m) {
    bj::object op;
    if (auto n = json::str(m, "operationName")) op["operationId"] = *n;
    bj::array parameters;
    if (const auto* params = json::obj(m, "requestParameters")) {
      for (const auto& [k, required] : *params) {
        std::string_view key = k;
        std::string in, name;
        for (auto [prefix, where] :
             {std::pair{"method.request.path.", "path"}, std::pair{"method.request.querystring.", "query"},
              std::pair{"method.request.header.", "header"}}) {
          if (key.starts_with(prefix)) in = where, name = std::string(key.substr(std::string_view(prefix).size()));
        }
        if (in.empty()) continue;
        bj::object p{{"name", name}, {"in", in}, {"required", in == "path" || required == true}};
        if (oas3_) {
          p["schema"] = bj::object{{"type", "string"}};
        } else {
          p["type"] = "string";
        }
        parameters.push_back(std::move(p));
      }
    }
    if (const auto* models = json::obj(m, "requestModels"); models && !models->empty()) {
      if (oas3_) {
        bj::object content;
        for (const auto& [type, model] : *models) {
          if (model.is_string())
            content[type] = bj::object{{"schema", bj::object{{"$ref", ref(std::string(model.get_string()))}}}};
        }
        op["requestBody"] = bj::object{{"content", std::move(content)}, {"required", true}};
      } else {
        bj::array consumes;
        std::string first;
        for (const auto& [type, model] : *models) {
          consumes.push_back(bj::string(type));
          if (first.empty() && model.is_string()) first = std::string(model.get_string());
        }
        op["consumes"] = std::move(consumes);
        parameters.push_back(bj::object{
            {"in", "body"}, {"name", first}, {"required", true}, {"schema", bj::object{{"$ref", ref(first)}}}});
      }
    }
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    op["responses"] = responses(m, op);
    security(m, op);
    if (opt_.integrations) {
      if (auto id = json::str(m, "requestValidatorId"); id && validators_.contains(*id)) {
        op["x-amazon-apigateway-request-validator"] = json::strOr(*validators_.at(*id), "name", "");
      }
      if (const auto* integration = json::obj(m, "methodIntegration")) {
        op["x-amazon-apigateway-integration"] = integrationExtension(*integration);
      }
    }
    return op;
  }

  bj::object responses(const bj::object& m, bj::object& op) const {
    bj::object out;
    bj::array produces;
    if (const auto* rs = json::obj(m, "methodResponses")) {
      for (const auto& [code, r] : *rs) {
        if (!r.is_object()) continue;
        bj::object resp{{"description", std::string(code) + " response"}};
        bj::object headers;
        if (const auto* params = json::obj(r.get_object(), "responseParameters")) {
          for (const auto& [k, v] : *params) {
            std::string_view key = k;
            if (!key.starts_with("method.response.header.")) continue;
            std::string name(key.substr(23));
            headers[name] =
                oas3_ ? bj::object{{"schema", bj::object{{"type", "string"}}}} : bj::object{{"type", "string"}};
            (void)v;
          }
        }
        if (!headers.empty()) resp["headers"] = std::move(headers);
        if (const auto* models = json::obj(r.get_object(), "responseModels"); models && !models->empty()) {
          if (oas3_) {
            bj::object content;
            for (const auto& [type, model] : *models) {
              if (model.is_string())
                content[type] = bj::object{{"schema", bj::object{{"$ref", ref(std::string(model.get_string()))}}}};
            }
            resp["content"] = std::move(content);
          } else {
            for (const auto& [type, model] : *models) {
              produces.push_back(bj::string(type));
              if (model.is_string()) resp["schema"] = bj::object{{"$ref", ref(std::string(model.get_string()))}};
            }
          }
        }
        out[code] = std::move(resp);
      }
    }
    if (!oas3_ && !produces.empty()) op["produces"] = std::move(produces);
    if (out.empty()) out["200"] = bj::object{{"description", "200 response"}};
    return out;
  }

  void security(const bj::object& m, bj::object& op) {
    bj::array sec;
    const std::string type = json::strOr(m, "authorizationType", "NONE");
    if (type == "AWS_IAM") {
      usesSigv4_ = true;
      sec.push_back(bj::object{{"sigv4", bj::array()}});
    } else if (type == "CUSTOM" || type == "COGNITO_USER_POOLS") {
      const std::string id = json::strOr(m, "authorizerId", "");
      if (authorizers_.contains(id)) {
        usedAuthorizers_.insert(id);
        bj::array scopes;
        if (auto* s = m.if_contains("authorizationScopes"); s && s->is_array()) scopes = s->get_array();
        sec.push_back(bj::object{{json::strOr(*authorizers_.at(id), "name", id), std::move(scopes)}});
      }
    }
    if (m.contains("apiKeyRequired") && m.at("apiKeyRequired") == true) {
      usesApiKey_ = true;
      sec.push_back(bj::object{{"api_key", bj::array()}});
    }
    if (!sec.empty()) op["security"] = std::move(sec);
  }

  bj::object integrationExtension(const bj::object& i) const {
    bj::object x{{"type", lower(json::strOr(i, "type", "MOCK"))}};
    for (auto field : {"httpMethod", "uri", "credentials", "contentHandling", "cacheNamespace", "connectionId"}) {
      if (auto v = json::str(i, field)) x[field] = *v;
    }
    if (auto v = json::str(i, "connectionType")) x["connectionType"] = *v;
    if (auto v = json::str(i, "passthroughBehavior")) x["passthroughBehavior"] = lower(*v);
    for (auto field : {"requestParameters", "requestTemplates", "tlsConfig"}) {
      if (auto* v = json::obj(i, field); v && !v->empty()) x[field] = *v;
    }
    if (auto* keys = i.if_contains("cacheKeyParameters"); keys && keys->is_array() && !keys->get_array().empty()) {
      x["cacheKeyParameters"] = *keys;
    }
    if (auto* t = i.if_contains("timeoutInMillis")) x["timeoutInMillis"] = *t;
    if (const auto* responses = json::obj(i, "integrationResponses")) {
      bj::object out;
      for (const auto& [code, r] : *responses) {
        if (!r.is_object()) continue;
        const auto& ro = r.get_object();
        bj::object ir{{"statusCode", std::string(code)}};
        for (auto field : {"responseParameters", "responseTemplates"}) {
          if (auto* v = json::obj(ro, field); v && !v->empty()) ir[field] = *v;
        }
        if (auto v = json::str(ro, "contentHandling")) ir["contentHandling"] = *v;
        std::string pattern = json::strOr(ro, "selectionPattern", "");
        out[pattern.empty() ? "default" : pattern] = std::move(ir);
      }
      if (!out.empty()) x["responses"] = std::move(out);
    }
    return x;
  }

  void topLevelExtensions(const bj::object& api, bj::object& doc) const {
    if (auto* b = api.if_contains("binaryMediaTypes"); b && b->is_array() && !b->get_array().empty()) {
      doc["x-amazon-apigateway-binary-media-types"] = *b;
    }
    if (auto s = json::str(api, "apiKeySource"); s && *s != "HEADER") doc["x-amazon-apigateway-api-key-source"] = *s;
    if (auto* m = api.if_contains("minimumCompressionSize"); m && m->is_int64()) {
      doc["x-amazon-apigateway-minimum-compression-size"] = *m;
    }
    if (const bj::object* tags = json::obj(api, "tags"); tags && !tags->empty()) {
      bj::array list;
      for (const auto& [name, value] : *tags) {
        list.push_back(bj::object{{"name", name}, {"x-amazon-apigateway-tag-value", value}});
      }
      doc["tags"] = std::move(list);
    }
    if (auto p = json::str(api, "policy"); p && !p->empty()) {
      boost::system::error_code ec;
      bj::value policy = bj::parse(*p, ec);
      if (!ec) doc["x-amazon-apigateway-policy"] = std::move(policy);
    }
    if (!validators_.empty()) {
      bj::object vs;
      for (const auto& [id, v] : validators_) {
        vs[json::strOr(*v, "name", id)] = bj::object{
            {"validateRequestBody", v->contains("validateRequestBody") && v->at("validateRequestBody") == true},
            {"validateRequestParameters",
             v->contains("validateRequestParameters") && v->at("validateRequestParameters") == true}};
      }
      doc["x-amazon-apigateway-request-validators"] = std::move(vs);
    }
    if (auto* grs = snap_.if_contains("gatewayResponses"); grs && grs->is_array() && !grs->get_array().empty()) {
      bj::object out;
      for (const auto& g : grs->get_array()) {
        if (!g.is_object()) continue;
        const auto& go = g.get_object();
        bj::object r;
        if (auto s = json::str(go, "statusCode")) r["statusCode"] = *s;
        for (auto field : {"responseParameters", "responseTemplates"}) {
          if (auto* v = json::obj(go, field); v && !v->empty()) r[field] = *v;
        }
        out[json::strOr(go, "responseType", "")] = std::move(r);
      }
      doc["x-amazon-apigateway-gateway-responses"] = std::move(out);
    }
  }

  const bj::object& snap_;
  const ExportOptions& opt_;
  bool oas3_;
  bool usesApiKey_ = false, usesSigv4_ = false;
  std::map<std::string, const bj::object*> authorizers_, validators_;
  std::set<std::string> usedAuthorizers_;
};

}  // namespace

bj::object exportDocument(const bj::object& snapshot, const ExportOptions& options) {
  Exporter e(snapshot, options);
  return e.run();
}

}  // namespace portico::openapi
