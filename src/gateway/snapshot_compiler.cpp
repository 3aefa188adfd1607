#include "gateway/snapshot_compiler.h"

#include <functional>
#include <unordered_map>

#include "common/json_util.h"
#include "common/string_list.h"
#include "gateway/json_schema.h"

namespace portico::gateway {
namespace bj = boost::json;
namespace {

Result<TemplateMap> compileTemplates(const bj::object* templates, const vtl::TemplateEngine& engine) {
  TemplateMap out;
  if (!templates) return out;
  for (auto& [ct, text] : *templates) {
    if (!text.is_string()) continue;
    auto compiled = engine.compile(text.get_string());
    if (!compiled) return compiled.takeError();
    out.emplace(std::string(ct), std::move(compiled).value());
  }
  return out;
}

std::map<std::string, std::string> stringMap(const bj::object* o) {
  std::map<std::string, std::string> out;
  if (!o) return out;
  for (auto& [k, v] : *o) {
    if (v.is_string()) out.emplace(std::string(k), std::string(v.get_string()));
  }
  return out;
}

std::map<std::string, bool> boolMap(const bj::object* o) {
  std::map<std::string, bool> out;
  if (!o) return out;
  for (auto& [k, v] : *o) out.emplace(std::string(k), v.is_bool() && v.get_bool());
  return out;
}

IntegrationType parseType(std::string_view t) {
  if (t == "HTTP") return IntegrationType::kHttp;
  if (t == "HTTP_PROXY") return IntegrationType::kHttpProxy;
  if (t == "AWS") return IntegrationType::kAws;
  if (t == "AWS_PROXY") return IntegrationType::kAwsProxy;
  return IntegrationType::kMock;
}

/// What methods of one deployment share while compiling: the template engine, the API's request
/// validators, and its models (each schema compiled once, on first use).
struct ApiDefinitions {
  const vtl::TemplateEngine& engine;
  std::map<std::string, const bj::object*> validators;  // by id
  std::map<std::string, std::string> modelSchemas;      // by name
  std::map<std::string, std::shared_ptr<const JsonSchema>> compiled;
  std::map<std::string, std::pair<double, double>> stageThrottles;  // "/pets/GET" or "*/*" → (rate, burst)
  const std::map<std::string, CompiledAuthorizer>* authorizers = nullptr;

  Result<std::shared_ptr<const JsonSchema>> schema(const std::string& name) {
    if (auto it = compiled.find(name); it != compiled.end()) return it->second;
    auto text = modelSchemas.find(name);
    if (text == modelSchemas.end()) return ApiError::badRequest("Invalid model identifier specified: " + name);
    auto lookup = [this](std::string_view other) -> std::optional<std::string> {
      auto it = modelSchemas.find(std::string(other));
      if (it == modelSchemas.end()) return std::nullopt;
      return it->second;
    };
    auto schema = compileJsonSchema(text->second, lookup);
    if (!schema) return schema.takeError();
    compiled.emplace(name, *schema);
    return schema;
  }
};

/// Request validation: which checks the method's validator turns on, and the body models.
Status compileValidation(const bj::object& m, CompiledMethod& out, ApiDefinitions& defs) {
  auto id = json::str(m, "requestValidatorId");
  if (!id || id->empty()) return Ok{};
  auto v = defs.validators.find(*id);
  if (v == defs.validators.end()) return Ok{};  // deleted since: AWS then validates nothing
  auto flag = [&](const char* key) {
    auto* b = v->second->if_contains(key);
    return b && b->is_bool() && b->get_bool();
  };
  out.validateParameters = flag("validateRequestParameters");
  out.validateBody = flag("validateRequestBody");
  if (!out.validateBody) return Ok{};
  std::map<std::string, std::string> models = stringMap(json::obj(m, "requestModels"));
  if (models.empty() && defs.modelSchemas.contains("Empty")) models["$default"] = "Empty";
  for (auto& [type, name] : models) {
    auto schema = defs.schema(name);
    if (!schema) return schema.takeError();
    out.bodyModels.emplace(type, *schema);
  }
  return Ok{};
}

Result<std::unique_ptr<CompiledMethod>> compileMethod(const bj::object& m, const std::string& resourceId,
                                                      const std::string& resourcePath, ApiDefinitions& defs) {
  const vtl::TemplateEngine& engine = defs.engine;
  auto out = std::make_unique<CompiledMethod>();
  out->httpMethod = json::strOr(m, "httpMethod", "");
  out->resourceId = resourceId;
  out->resourcePath = resourcePath;
  out->authorizationType = json::strOr(m, "authorizationType", "NONE");
  if (out->authorizationType == "CUSTOM" || out->authorizationType == "COGNITO_USER_POOLS") {
    auto a = defs.authorizers->find(json::strOr(m, "authorizerId", ""));
    if (a == defs.authorizers->end()) return ApiError::badRequest("Invalid authorizer ID specified for a method");
    out->authorizer = &a->second;
  }
  if (auto* scopes = m.if_contains("authorizationScopes"); scopes && scopes->is_array()) {
    for (const auto& scope : scopes->get_array()) {
      if (scope.is_string()) out->authorizationScopes.emplace_back(scope.get_string());
    }
  }
  if (auto* v = m.if_contains("apiKeyRequired"); v && v->is_bool()) out->apiKeyRequired = v->get_bool();
  out->requestParameters = boolMap(json::obj(m, "requestParameters"));
  if (auto st = compileValidation(m, *out, defs); !st) return st.takeError();
  auto throttle = defs.stageThrottles.find(resourcePath + "/" + out->httpMethod);
  if (throttle == defs.stageThrottles.end()) throttle = defs.stageThrottles.find("*/*");
  if (throttle != defs.stageThrottles.end()) {
    out->throttle = std::make_shared<const TokenBucket>(throttle->second.first, throttle->second.second);
  }
  if (auto* responses = json::obj(m, "methodResponses")) {
    for (auto& [code, r] : *responses) {
      CompiledMethodResponse mr;
      if (r.is_object()) mr.responseParameters = boolMap(json::obj(r.get_object(), "responseParameters"));
      out->methodResponses.emplace(std::string(code), std::move(mr));
    }
  }
  if (auto* integration = json::obj(m, "methodIntegration")) {
    auto compiled = compileIntegration(*integration, engine);
    if (!compiled) return compiled.takeError();
    out->integration = std::move(compiled).value();
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<CompiledIntegration>> compileIntegration(const bj::object& in,
                                                                const vtl::TemplateEngine& engine) {
  auto out = std::make_unique<CompiledIntegration>();
  out->type = parseType(json::strOr(in, "type", "MOCK"));
  out->httpMethod = json::strOr(in, "httpMethod", "");
  out->uri = json::strOr(in, "uri", "");
  out->requestParameters = stringMap(json::obj(in, "requestParameters"));
  auto templates = compileTemplates(json::obj(in, "requestTemplates"), engine);
  if (!templates) return templates.takeError();
  out->requestTemplates = std::move(templates).value();
  out->passthroughBehavior = json::strOr(in, "passthroughBehavior", "WHEN_NO_MATCH");
  out->contentHandling = json::strOr(in, "contentHandling", "");
  if (auto* t = in.if_contains("timeoutInMillis"); t && t->is_int64()) {
    out->timeoutMs = static_cast<int>(t->get_int64());
  }
  out->streamResponse = json::strOr(in, "responseTransferMode", "BUFFERED") == "STREAM";
  if (auto* responses = json::obj(in, "integrationResponses")) {
    for (auto& [code, r] : *responses) {
      if (!r.is_object()) continue;
      const auto& ro = r.get_object();
      CompiledIntegrationResponse cr;
      cr.statusCode = std::string(code);
      cr.selectionPattern = json::strOr(ro, "selectionPattern", "");
      if (!cr.selectionPattern.empty()) {
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_dot_nl(false);
        auto re = std::make_shared<RE2>(cr.selectionPattern, opts);
        if (!re->ok()) {
          return ApiError::badRequest("Invalid selection pattern specified: " + cr.selectionPattern);
        }
        cr.pattern = std::move(re);
      }
      cr.responseParameters = stringMap(json::obj(ro, "responseParameters"));
      auto rt = compileTemplates(json::obj(ro, "responseTemplates"), engine);
      if (!rt) return rt.takeError();
      cr.responseTemplates = std::move(rt).value();
      cr.contentHandling = json::strOr(ro, "contentHandling", "");
      out->responses.push_back(std::move(cr));
    }
  }
  for (auto& r : out->responses) {
    if (r.selectionPattern.empty()) out->defaultResponse = &r;
  }
  return out;
}

Result<std::shared_ptr<const StageSnapshot>> compileStage(const bj::object& deployment, const bj::object& stage,
                                                          const vtl::TemplateEngine& engine) {
  auto snap = std::make_shared<StageSnapshot>();
  const bj::object empty;
  const bj::object* api = json::obj(deployment, "api");
  if (!api) api = &empty;
  snap->apiId = json::strOr(*api, "id", "");
  snap->apiName = json::strOr(*api, "name", "");
  snap->stageName = json::strOr(stage, "stageName", "");
  snap->deploymentId = json::strOr(stage, "deploymentId", "");
  snap->stageVariables = stringMap(json::obj(stage, "variables"));
  if (auto* types = api->if_contains("binaryMediaTypes"); types && types->is_array()) {
    for (auto& t : types->get_array()) {
      if (t.is_string()) snap->binaryMediaTypes.emplace_back(t.get_string());
    }
  }

  if (auto* responses = deployment.if_contains("gatewayResponses"); responses && responses->is_array()) {
    for (auto& r : responses->get_array()) {
      if (!r.is_object()) continue;
      const auto& ro = r.get_object();
      CompiledGatewayResponse compiled;
      std::string status = json::strOr(ro, "statusCode", "");
      if (!status.empty()) compiled.status = std::atoi(status.c_str());
      for (auto& [target, source] : stringMap(json::obj(ro, "responseParameters"))) {
        constexpr std::string_view kHeader = "gatewayresponse.header.";
        if (std::string_view(target).starts_with(kHeader)) compiled.headers[target.substr(kHeader.size())] = source;
      }
      auto templates = compileTemplates(json::obj(ro, "responseTemplates"), engine);
      if (!templates) return templates.takeError();
      compiled.templates = std::move(templates).value();
      snap->gatewayResponses.emplace(json::strOr(ro, "responseType", ""), std::move(compiled));
    }
  }

  snap->apiKeySource = json::strOr(*api, "apiKeySource", "HEADER");
  if (auto* authorizers = deployment.if_contains("authorizers"); authorizers && authorizers->is_array()) {
    for (const auto& a : authorizers->get_array()) {
      if (!a.is_object()) continue;
      const auto& ao = a.get_object();
      CompiledAuthorizer c;
      c.id = json::strOr(ao, "id", "");
      c.name = json::strOr(ao, "name", "");
      c.type = json::strOr(ao, "type", "");
      c.functionUri = json::strOr(ao, "authorizerUri", "");
      for (auto& one : splitList(json::strOr(ao, "identitySource", ""))) {
        if (!one.empty()) c.identitySource.push_back(std::move(one));
      }
      if (auto expr = json::str(ao, "identityValidationExpression"); expr && !expr->empty()) {
        c.validation = std::make_shared<const re2::RE2>(*expr, re2::RE2::Quiet);
      }
      if (auto* ttl = ao.if_contains("authorizerResultTtlInSeconds"); ttl && ttl->is_int64()) {
        c.ttlSeconds = static_cast<int>(ttl->get_int64());
      }
      if (auto* arns = ao.if_contains("providerARNs"); arns && arns->is_array()) {
        for (const auto& arn : arns->get_array()) {
          if (arn.is_string()) c.providerArns.emplace_back(arn.get_string());
        }
      }
      snap->authorizers.emplace(c.id, std::move(c));
    }
  }
  ApiDefinitions defs{engine, {}, {}, {}};
  defs.authorizers = &snap->authorizers;
  if (auto* validators = deployment.if_contains("requestValidators"); validators && validators->is_array()) {
    for (auto& v : validators->get_array()) {
      if (v.is_object()) defs.validators[json::strOr(v.get_object(), "id", "")] = &v.get_object();
    }
  }
  if (auto* models = deployment.if_contains("models"); models && models->is_array()) {
    for (auto& model : models->get_array()) {
      if (!model.is_object()) continue;
      if (auto text = json::str(model.get_object(), "schema")) {
        defs.modelSchemas[json::strOr(model.get_object(), "name", "")] = *text;
      }
    }
  }

  // Stage throttling (methodSettings "~1pets/GET" or "*/*": throttlingRateLimit, throttlingBurstLimit).
  if (auto* settings = json::obj(stage, "methodSettings")) {
    for (const auto& [key, value] : *settings) {
      if (!value.is_object()) continue;
      const auto& v = value.get_object();
      // A negative limit (AWS's -1) is "not set": the account's limit applies.
      auto number = [&](const char* name) -> std::optional<double> {
        auto* n = v.if_contains(name);
        std::optional<double> out;
        if (n && n->is_number()) out = n->to_number<double>();
        if (n && n->is_string()) out = std::atof(std::string(n->get_string()).c_str());
        if (out && !(*out >= 0)) out.reset();
        return out;
      };
      auto rate = number("throttlingRateLimit");
      auto burst = number("throttlingBurstLimit");
      if (!rate && !burst) continue;
      std::string path(key);
      for (std::size_t at; (at = path.find("~1")) != std::string::npos;) path.replace(at, 2, "/");
      defs.stageThrottles[path] = {rate.value_or(10000), burst.value_or(5000)};
    }
  }

  // Index resources by parent, then build the tree from the root down.
  std::unordered_map<std::string, std::vector<const bj::object*>> children;
  const bj::object* rootDoc = nullptr;
  if (auto* resources = deployment.if_contains("resources"); resources && resources->is_array()) {
    for (auto& r : resources->get_array()) {
      if (!r.is_object()) continue;
      const auto& ro = r.get_object();
      auto parent = json::str(ro, "parentId");
      if (!parent) {
        rootDoc = &ro;
      } else {
        children[*parent].push_back(&ro);
      }
    }
  }
  if (!rootDoc) return ApiError::internal("deployment has no root resource");

  std::function<Status(RouteNode&, const bj::object&)> build = [&](RouteNode& node, const bj::object& doc) -> Status {
    node.resourceId = json::strOr(doc, "id", "");
    node.resourcePath = json::strOr(doc, "path", "/");
    if (auto* methods = json::obj(doc, "resourceMethods")) {
      for (auto& [verb, m] : *methods) {
        if (!m.is_object()) continue;
        auto compiled = compileMethod(m.get_object(), node.resourceId, node.resourcePath, defs);
        if (!compiled) return compiled.takeError();
        node.methods.emplace(std::string(verb), std::move(compiled).value());
      }
    }
    for (const bj::object* child : children[node.resourceId]) {
      std::string part = json::strOr(*child, "pathPart", "");
      auto childNode = std::make_unique<RouteNode>();
      RouteNode& ref = *childNode;
      if (part.size() > 3 && part.front() == '{' && part.ends_with("+}")) {
        node.greedyName = part.substr(1, part.size() - 3);
        node.greedy = std::move(childNode);
      } else if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        node.variableName = part.substr(1, part.size() - 2);
        node.variable = std::move(childNode);
      } else {
        node.literals.emplace(part, std::move(childNode));
      }
      auto st = build(ref, *child);
      if (!st) return st;
    }
    return Ok{};
  };
  auto st = build(snap->root, *rootDoc);
  if (!st) return st.takeError();
  return std::shared_ptr<const StageSnapshot>(std::move(snap));
}

}  // namespace portico::gateway
