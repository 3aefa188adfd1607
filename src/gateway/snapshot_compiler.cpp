#include "gateway/snapshot_compiler.h"

#include "common/json_util.h"
#include "common/parse_number.h"
#include "common/string_list.h"
#include "gateway/access_log.h"
#include "gateway/json_schema.h"
#include "gateway/lambda_invocation.h"
#include "gateway/log_groups.h"
#include "gateway/method_caching.h"
#include "gateway/method_settings.h"
#include "gateway/route_tree.h"
#include "gateway/stage_metrics.h"
#include "metrics/metrics_registry.h"

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

/// The strings of the array at o[key] (other values skipped), appended to out.
void appendStrings(const bj::object& o, std::string_view key, std::vector<std::string>& out) {
  auto* list = o.if_contains(key);
  if (!list || !list->is_array()) return;
  for (const auto& v : list->get_array()) {
    if (v.is_string()) out.emplace_back(v.get_string());
  }
}

/// The objects of the array at o[key] (other values skipped).
std::vector<const bj::object*> objects(const bj::object& o, std::string_view key) {
  std::vector<const bj::object*> out;
  auto* list = o.if_contains(key);
  if (!list || !list->is_array()) return out;
  for (const auto& v : list->get_array()) {
    if (v.is_object()) out.push_back(&v.get_object());
  }
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
  const bj::object* stage = nullptr;  // its method settings (caching)

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

/// Who may call the method: authorizationType, its authorizer, scopes, apiKeyRequired.
Status compileAccess(const bj::object& m, CompiledMethod& out, const ApiDefinitions& defs) {
  out.authorizationType = json::strOr(m, "authorizationType", "NONE");
  if (out.authorizationType == "CUSTOM" || out.authorizationType == "COGNITO_USER_POOLS") {
    auto a = defs.authorizers->find(json::strOr(m, "authorizerId", ""));
    if (a == defs.authorizers->end()) return ApiError::badRequest("Invalid authorizer ID specified for a method");
    out.authorizer = &a->second;
  }
  appendStrings(m, "authorizationScopes", out.authorizationScopes);
  if (auto* v = m.if_contains("apiKeyRequired"); v && v->is_bool()) out.apiKeyRequired = v->get_bool();
  return Ok{};
}

/// The stage's method settings for the method ("/pets/GET"), else for every method ("*/*").
std::shared_ptr<const TokenBucket> methodThrottle(const CompiledMethod& method, const ApiDefinitions& defs) {
  auto throttle = defs.stageThrottles.find(method.resourcePath + "/" + method.httpMethod);
  if (throttle == defs.stageThrottles.end()) throttle = defs.stageThrottles.find("*/*");
  if (throttle == defs.stageThrottles.end()) return nullptr;
  return std::make_shared<const TokenBucket>(throttle->second.first, throttle->second.second);
}

std::map<std::string, CompiledMethodResponse> compileMethodResponses(const bj::object* responses) {
  std::map<std::string, CompiledMethodResponse> out;
  if (!responses) return out;
  for (auto& [code, r] : *responses) {
    CompiledMethodResponse mr;
    if (r.is_object()) mr.responseParameters = boolMap(json::obj(r.get_object(), "responseParameters"));
    out.emplace(std::string(code), std::move(mr));
  }
  return out;
}

Result<std::unique_ptr<CompiledMethod>> compileMethod(const bj::object& m, const RouteNode& node,
                                                      ApiDefinitions& defs) {
  auto out = std::make_unique<CompiledMethod>();
  out->httpMethod = json::strOr(m, "httpMethod", "");
  out->resourceId = node.resourceId;
  out->resourcePath = node.resourcePath;
  if (auto st = compileAccess(m, *out, defs); !st) return st.takeError();
  out->requestParameters = boolMap(json::obj(m, "requestParameters"));
  if (auto st = compileValidation(m, *out, defs); !st) return st.takeError();
  out->throttle = methodThrottle(*out, defs);
  if (defs.stage) compileMethodLogging(*defs.stage, *out);
  out->methodResponses = compileMethodResponses(json::obj(m, "methodResponses"));
  if (auto* integration = json::obj(m, "methodIntegration")) {
    auto compiled = compileIntegration(*integration, defs.engine);
    if (!compiled) return compiled.takeError();
    out->integration = std::move(compiled).value();
    if (defs.stage) out->caching = compileMethodCaching(*defs.stage, *out, integration);
  }
  return out;
}

Result<CompiledIntegrationResponse> compileIntegrationResponse(std::string_view code, const bj::object& r,
                                                               const vtl::TemplateEngine& engine) {
  CompiledIntegrationResponse out;
  out.statusCode = std::string(code);
  out.selectionPattern = json::strOr(r, "selectionPattern", "");
  if (!out.selectionPattern.empty()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_dot_nl(false);
    auto re = std::make_shared<RE2>(out.selectionPattern, opts);
    if (!re->ok()) return ApiError::badRequest("Invalid selection pattern specified: " + out.selectionPattern);
    out.pattern = std::move(re);
  }
  out.responseParameters = stringMap(json::obj(r, "responseParameters"));
  auto templates = compileTemplates(json::obj(r, "responseTemplates"), engine);
  if (!templates) return templates.takeError();
  out.responseTemplates = std::move(templates).value();
  out.contentHandling = json::strOr(r, "contentHandling", "");
  return out;
}

/// The stage's own settings: names, variables, the API's binary media types and key source.
void compileStageInfo(const bj::object& api, const bj::object& stage, StageSnapshot& snap) {
  snap.apiId = json::strOr(api, "id", "");
  snap.apiName = json::strOr(api, "name", "");
  snap.stageName = json::strOr(stage, "stageName", "");
  snap.deploymentId = json::strOr(stage, "deploymentId", "");
  snap.stageVariables = stringMap(json::obj(stage, "variables"));
  appendStrings(api, "binaryMediaTypes", snap.binaryMediaTypes);
  snap.apiKeySource = json::strOr(api, "apiKeySource", "HEADER");
  if (auto* d = api.if_contains("disableExecuteApiEndpoint"); d && d->is_bool())
    snap.executeApiDisabled = d->get_bool();
  // The control plane puts the stage's client certificate beside its id when it publishes it.
  snap.clientCertificateId = json::strOr(stage, "clientCertificateId", "");
  if (const auto* cert = json::obj(stage, "clientCertificate")) {
    snap.clientCertificatePem = json::strOr(*cert, "pemEncodedCertificate", "");
    snap.clientKeyPem = json::strOr(*cert, "privateKeyPem", "");
  }
}

Result<CompiledGatewayResponse> compileGatewayResponse(const bj::object& r, const vtl::TemplateEngine& engine) {
  CompiledGatewayResponse out;
  // Checked ([1-5]\d\d) when it was put; anything else keeps the type's default status.
  std::string status = json::strOr(r, "statusCode", "");
  if (!status.empty()) out.status = parseNumber<int>(status).value_or(0);
  for (auto& [target, source] : stringMap(json::obj(r, "responseParameters"))) {
    constexpr std::string_view kHeader = "gatewayresponse.header.";
    if (std::string_view(target).starts_with(kHeader)) out.headers[target.substr(kHeader.size())] = source;
  }
  auto templates = compileTemplates(json::obj(r, "responseTemplates"), engine);
  if (!templates) return templates.takeError();
  out.templates = std::move(templates).value();
  return out;
}

/// A method setting's throttling limit; a negative one (AWS's -1) is "not set": the account's
/// limit applies.
std::optional<double> throttlingLimit(const bj::object& settings, const char* name) {
  auto* n = settings.if_contains(name);
  std::optional<double> out;
  if (n && n->is_number()) out = n->to_number<double>();
  if (n && n->is_string()) out = parseNumber<double>(n->get_string());
  if (out && !(*out >= 0)) out.reset();
  return out;
}

/// Stage throttling (methodSettings "~1pets/GET" or "*/*": throttlingRateLimit, throttlingBurstLimit),
/// by "/pets/GET" or "*/*".
std::map<std::string, std::pair<double, double>> compileStageThrottles(const bj::object& stage) {
  std::map<std::string, std::pair<double, double>> out;
  auto* settings = json::obj(stage, "methodSettings");
  if (!settings) return out;
  for (const auto& [key, value] : *settings) {
    if (!value.is_object()) continue;
    auto rate = throttlingLimit(value.get_object(), "throttlingRateLimit");
    auto burst = throttlingLimit(value.get_object(), "throttlingBurstLimit");
    if (!rate && !burst) continue;
    std::string path(key);
    for (std::size_t at; (at = path.find("~1")) != std::string::npos;) path.replace(at, 2, "/");
    out[path] = {rate.value_or(10000), burst.value_or(5000)};
  }
  return out;
}

/// The deployment's request validators (by id) and model schemas (by name), for compileMethod.
void collectDefinitions(const bj::object& deployment, ApiDefinitions& defs) {
  for (const bj::object* v : objects(deployment, "requestValidators")) defs.validators[json::strOr(*v, "id", "")] = v;
  for (const bj::object* model : objects(deployment, "models")) {
    if (auto text = json::str(*model, "schema")) defs.modelSchemas[json::strOr(*model, "name", "")] = *text;
  }
}

}  // namespace

Result<std::unique_ptr<CompiledIntegration>> compileIntegration(const bj::object& in,
                                                                const vtl::TemplateEngine& engine) {
  auto out = std::make_unique<CompiledIntegration>();
  out->type = parseType(json::strOr(in, "type", "MOCK"));
  out->httpMethod = json::strOr(in, "httpMethod", "");
  out->uri = json::strOr(in, "uri", "");
  out->lambdaFunction = namesLambdaFunction(out->uri);
  out->credentials = json::strOr(in, "credentials", "");
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
      auto compiled = compileIntegrationResponse(code, r.get_object(), engine);
      if (!compiled) return compiled.takeError();
      out->responses.push_back(std::move(compiled).value());
    }
  }
  for (auto& r : out->responses) {
    if (r.selectionPattern.empty()) out->defaultResponse = &r;
  }
  return out;
}

CompiledAuthorizer compileAuthorizer(const bj::object& a) {
  CompiledAuthorizer out;
  out.id = json::strOr(a, "id", "");
  out.name = json::strOr(a, "name", "");
  out.type = json::strOr(a, "type", "");
  out.functionUri = json::strOr(a, "authorizerUri", "");
  for (auto& one : splitList(json::strOr(a, "identitySource", ""))) {
    if (!one.empty()) out.identitySource.push_back(std::move(one));
  }
  if (auto expr = json::str(a, "identityValidationExpression"); expr && !expr->empty()) {
    out.validation = std::make_shared<const re2::RE2>(*expr, re2::RE2::Quiet);
  }
  if (auto* ttl = a.if_contains("authorizerResultTtlInSeconds"); ttl && ttl->is_int64()) {
    out.ttlSeconds = static_cast<int>(ttl->get_int64());
  }
  appendStrings(a, "providerARNs", out.providerArns);
  return out;
}

namespace {

Result<std::shared_ptr<StageSnapshot>> compileSnapshot(const bj::object& deployment, const bj::object& stage,
                                                       const vtl::TemplateEngine& engine) {
  auto snap = std::make_shared<StageSnapshot>();
  const bj::object empty;
  const bj::object* api = json::obj(deployment, "api");
  compileStageInfo(api ? *api : empty, stage, *snap);
  if (const bj::object* logs = json::obj(stage, "accessLogSettings")) {
    if (auto format = json::strOr(*logs, "format", ""); !format.empty()) {
      auto compiled = AccessLogFormat::compile(format);
      if (!compiled) return compiled.takeError();
      snap->accessLog = std::make_shared<const AccessLogFormat>(std::move(compiled).value());
      snap->accessLogGroup = logGroupOfArn(json::strOr(*logs, "destinationArn", ""));
    }
  }
  snap->executionLogGroup = "API-Gateway-Execution-Logs_" + snap->apiId + "/" + snap->stageName;
  for (const bj::object* r : objects(deployment, "gatewayResponses")) {
    auto compiled = compileGatewayResponse(*r, engine);
    if (!compiled) return compiled.takeError();
    snap->gatewayResponses.emplace(json::strOr(*r, "responseType", ""), std::move(compiled).value());
  }
  for (const bj::object* a : objects(deployment, "authorizers")) {
    CompiledAuthorizer compiled = compileAuthorizer(*a);
    snap->authorizers.emplace(compiled.id, std::move(compiled));
  }
  ApiDefinitions defs{engine, {}, {}, {}, compileStageThrottles(stage), &snap->authorizers, &stage};
  collectDefinitions(deployment, defs);

  const bj::array noResources;
  auto* resources = deployment.if_contains("resources");
  auto compile = [&defs](const bj::object& method, const RouteNode& node) { return compileMethod(method, node, defs); };
  auto built =
      buildRouteTree(resources && resources->is_array() ? resources->get_array() : noResources, snap->root, compile);
  if (!built) return built.takeError();
  return snap;
}

}  // namespace

Result<std::shared_ptr<const StageSnapshot>> compileStage(const bj::object& deployment, const bj::object& stage,
                                                          const vtl::TemplateEngine& engine) {
  auto snap = compileSnapshot(deployment, stage, engine);
  if (!snap) return snap.takeError();
  return std::shared_ptr<const StageSnapshot>(std::move(snap).value());
}

Result<std::shared_ptr<const StageSnapshot>> compileStageWithCanary(
    const bj::object& deployment, const bj::object& stage, const bj::object* canaryDeployment,
    const vtl::TemplateEngine& engine, std::shared_ptr<ResponseCache> cache, metrics::MetricsRegistry* metrics) {
  auto snap = compileSnapshot(deployment, stage, engine);
  if (!snap) return snap.takeError();
  (*snap)->cache = cache;
  if (metrics) bindStageMetrics(**snap, *metrics);
  const bj::object* canary = json::obj(stage, "canarySettings");
  if (canary && canaryDeployment) {
    bj::object canaryStage = stage;
    canaryStage.erase("canarySettings");
    canaryStage["deploymentId"] = json::strOr(*canary, "deploymentId", "");
    if (const bj::object* overrides = json::obj(*canary, "stageVariableOverrides")) {
      auto& variables = json::objAt(canaryStage, "variables");
      for (const auto& [k, v] : *overrides) variables[k] = v;
    }
    auto compiled = compileSnapshot(*canaryDeployment, canaryStage, engine);
    if (!compiled) return compiled.takeError();
    (*compiled)->isCanary = true;
    if (!(*compiled)->accessLogGroup.empty()) (*compiled)->accessLogGroup += "/Canary";
    (*compiled)->executionLogGroup += "/Canary";
    (*compiled)->cache = cache;
    if (metrics) bindStageMetrics(**compiled, *metrics);
    const bj::value* shared = canary->if_contains("useStageCache");
    if (!shared || !shared->is_bool() || !shared->get_bool()) (*compiled)->cacheKeyPrefix = "canary";
    (*snap)->canary = std::move(compiled).value();
    const bj::value* percent = canary->if_contains("percentTraffic");
    (*snap)->canaryPercent = percent && percent->is_number() ? percent->to_number<double>() : 0.0;
  }
  return std::shared_ptr<const StageSnapshot>(std::move(snap).value());
}

}  // namespace portico::gateway
