// Integration and IntegrationResponse operations: Put/Get/Update/DeleteIntegration and
// Put/Get/Update/DeleteIntegrationResponse. Templates and selection patterns are compiled
// here, at put time, so a bad one is refused before it can be deployed.
// https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html
#include <re2/re2.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "common/json_util.h"
#include "control/apigateway/method_access.h"
#include "control/patch_operations.h"
#include "gateway/lambda_invocation.h"
#include "gateway/snapshot_compiler.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr PatchField kIntegrationFields[] = {
    {"/uri", FieldKind::kString, "uri"},
    {"/httpMethod", FieldKind::kString, "httpMethod"},
    {"/passthroughBehavior", FieldKind::kString, "passthroughBehavior"},
    {"/contentHandling", FieldKind::kString, "contentHandling"},
    {"/timeoutInMillis", FieldKind::kInt, "timeoutInMillis"},
    {"/credentials", FieldKind::kString, "credentials"},
    {"/connectionType", FieldKind::kString, "connectionType"},
    {"/cacheNamespace", FieldKind::kString, "cacheNamespace"},
    {"/requestParameters", FieldKind::kStringMap, "requestParameters"},
    {"/requestTemplates", FieldKind::kStringMap, "requestTemplates"},
    {"/cacheKeyParameters", FieldKind::kStringList, "cacheKeyParameters"},
    {"/responseTransferMode", FieldKind::kString, "responseTransferMode"},
};

constexpr PatchField kIntegrationResponseFields[] = {
    {"/selectionPattern", FieldKind::kString, "selectionPattern"},
    {"/contentHandling", FieldKind::kString, "contentHandling"},
    {"/responseParameters", FieldKind::kStringMap, "responseParameters"},
    {"/responseTemplates", FieldKind::kStringMap, "responseTemplates"},
};

ApiError mappingError(std::string_view expr) {
  return ApiError::badRequest(
      "Invalid mapping expression specified: Validation Result: warnings : [], errors : "
      "[Invalid mapping expression specified: " +
      std::string(expr) + "]");
}

Status validateRequestParameters(const bj::object& integration) {
  static const RE2 kTarget(
      R"(integration\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[a-zA-Z0-9._$-]+)");
  static const RE2 kSource(
      R"(method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[a-zA-Z0-9._$-]+|)"
      R"(method\.request\.body(\..+)?|stageVariables\.[a-zA-Z0-9_]+|context\.[a-zA-Z0-9._]+|'[^']*')");
  if (auto* params = json::obj(integration, "requestParameters")) {
    for (auto& [k, v] : *params) {
      std::string_view key(k.data(), k.size());
      if (!RE2::FullMatch(key, kTarget)) return mappingError(key);
      if (!v.is_string() || !RE2::FullMatch(std::string_view(v.get_string()), kSource)) {
        return mappingError(v.is_string() ? std::string_view(v.get_string()) : key);
      }
    }
  }
  return Ok{};
}

Status validateResponseParameters(const bj::object& response) {
  static const RE2 kTarget(R"(method\.response\.header\.[a-zA-Z0-9._$-]+)");
  static const RE2 kSource(
      R"(integration\.response\.(header|multivalueheader)\.[a-zA-Z0-9._$-]+|integration\.response\.body(\..+)?|)"
      R"(stageVariables\.[a-zA-Z0-9_]+|context\.[a-zA-Z0-9._]+|'[^']*')");
  if (auto* params = json::obj(response, "responseParameters")) {
    for (auto& [k, v] : *params) {
      std::string_view key(k.data(), k.size());
      if (!RE2::FullMatch(key, kTarget)) return mappingError(key);
      // AWS names the offending expression: the source when the source is what is wrong.
      if (!v.is_string() || !RE2::FullMatch(std::string_view(v.get_string()), kSource)) {
        return mappingError(v.is_string() ? std::string_view(v.get_string()) : key);
      }
    }
  }
  return Ok{};
}

Status validateIntegration(ApiGatewayContext& ctx, const bj::object& in) {
  std::string type = json::strOr(in, "type", "");
  if (type != "HTTP" && type != "AWS" && type != "MOCK" && type != "HTTP_PROXY" && type != "AWS_PROXY") {
    return ApiError{"ValidationException", 400,
                    "1 validation error detected: Value '" + type +
                        "' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum "
                        "value set: [HTTP, AWS, MOCK, HTTP_PROXY, AWS_PROXY]"};
  }
  std::string uri = json::strOr(in, "uri", "");
  std::string method = json::strOr(in, "httpMethod", "");
  if (type != "MOCK") {
    if (method.empty()) return ApiError::badRequest("Enumeration value for HttpMethod must be non-empty");
    if (!isValidHttpMethod(method)) {
      return ApiError::badRequest(
          "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY");
    }
    if (uri.empty()) return ApiError::badRequest("Invalid integration URI specified");
  }
  if (type == "HTTP" || type == "HTTP_PROXY") {
    // Placeholders ({proxy}, ${stageVariables.x}) are not URL syntax: check the URL with them blanked.
    static const RE2 kPlaceholder(R"(\$?\{[^}]*\})");
    std::string probe = uri;
    RE2::GlobalReplace(&probe, kPlaceholder, "x");
    auto url = boost::urls::parse_uri(probe);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
      return ApiError::badRequest("Invalid HTTP endpoint specified for URI");
    }
  }
  if (type == "AWS" || type == "AWS_PROXY") {
    static const RE2 kArn(R"(arn:aws[a-zA-Z-]*:apigateway:[a-z0-9-]*:[a-zA-Z0-9.-]+:(path|action)/.+)");
    // AWS accepts a non-POST AWS_PROXY method at put time (it fails at run time), so only the ARN is checked.
    if (!RE2::FullMatch(uri, kArn)) return ApiError::badRequest("AWS ARN for integration must contain path or action");
    const bool lambda = gateway::namesLambdaFunction(uri);
    if (type == "AWS_PROXY" && !lambda && uri.find(":firehose:") == std::string::npos) {
      return ApiError::badRequest(
          "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.");
    }
    // A service call signs with the credentials' keys: say now when there are none (the request gets a 500).
    const std::string credentials = json::strOr(in, "credentials", "");
    if (!lambda && ctx.awsCredentials && credentials != "arn:aws:iam::*:user/*" &&
        !ctx.awsCredentials->forRole(credentials)) {
      spdlog::warn(
          "integration {}: no AWS credentials for {}: map the role with --aws-role-credentials or give "
          "Portico default credentials; requests will fail with 500",
          uri.substr(0, 200), credentials.empty() ? std::string("(no credentials)") : credentials);
    }
  }
  auto passthrough = json::strOr(in, "passthroughBehavior", "WHEN_NO_MATCH");
  if (passthrough != "WHEN_NO_MATCH" && passthrough != "WHEN_NO_TEMPLATES" && passthrough != "NEVER") {
    return ApiError::badRequest(
        "Invalid passthrough behavior specified. Valid options are WHEN_NO_MATCH,WHEN_NO_TEMPLATES,NEVER");
  }
  if (auto h = json::str(in, "contentHandling"); h && *h != "CONVERT_TO_BINARY" && *h != "CONVERT_TO_TEXT") {
    return ApiError::badRequest(
        "Invalid content handling specified. Valid options are CONVERT_TO_BINARY,CONVERT_TO_TEXT");
  }
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html
  auto transfer = json::strOr(in, "responseTransferMode", "BUFFERED");
  if (transfer != "BUFFERED" && transfer != "STREAM") {
    return ApiError::badRequest("Invalid response transfer mode specified. Valid options are BUFFERED,STREAM");
  }
  const bool streaming = transfer == "STREAM";
  if (streaming && type != "HTTP_PROXY" && type != "AWS_PROXY") {
    return ApiError::badRequest(
        "Response transfer mode STREAM is only supported for HTTP_PROXY and AWS_PROXY integrations");
  }
  if (auto* t = in.if_contains("timeoutInMillis")) {
    // Streamed responses may take up to 15 minutes.
    const std::int64_t max = streaming ? 900000 : 29000;
    if (!t->is_int64() || t->get_int64() < 50 || t->get_int64() > max) {
      return ApiError::badRequest("Timeout should be between 50 ms and " + std::to_string(max) + " ms");
    }
  }
  if (auto st = validateRequestParameters(in); !st) return st;
  // Compile (templates and selection patterns), exactly as a deploy will.
  auto compiled = gateway::compileIntegration(in, ctx.templates);
  if (!compiled) return compiled.takeError();
  return Ok{};
}

Result<AdminReply> putIntegration(ApiGatewayContext& ctx, const AdminCall& call) {
  auto body = call.json();
  if (!body) return body.takeError();
  std::lock_guard lock(ctx.mu);
  auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
  if (!ref) return ref.takeError();
  bj::object in;
  in["type"] = json::strOr(*body, "type", "");
  for (auto key : {"httpMethod", "uri", "connectionType", "connectionId", "credentials", "contentHandling"}) {
    if (auto s = json::str(*body, key)) in[key] = *s;
  }
  in["responseTransferMode"] = json::strOr(*body, "responseTransferMode", "BUFFERED");
  in["passthroughBehavior"] = json::strOr(*body, "passthroughBehavior", "WHEN_NO_MATCH");
  in["timeoutInMillis"] = 29000;
  if (auto* t = body->if_contains("timeoutInMillis")) in["timeoutInMillis"] = *t;
  in["cacheNamespace"] = json::strOr(*body, "cacheNamespace", call.params[1]);
  in["cacheKeyParameters"] = bj::array();
  if (auto* k = body->if_contains("cacheKeyParameters"); k && k->is_array()) in["cacheKeyParameters"] = *k;
  for (auto key : {"requestParameters", "requestTemplates", "tlsConfig"}) {
    if (auto* o = json::obj(*body, key)) in[key] = *o;
  }
  // Keep the integration responses already put on this method (PutIntegration replaces the integration's
  // own settings; its responses are separate resources).
  if (auto* old = json::obj(ref->method(), "methodIntegration")) {
    if (auto* responses = json::obj(*old, "integrationResponses")) in["integrationResponses"] = *responses;
  }
  if (auto st = validateIntegration(ctx, in); !st) return st.takeError();
  ref->method()["methodIntegration"] = in;
  ref->save(ctx);
  return reply(201, std::move(in));
}

/// Runs fn on the method's integration and saves; NotFound "Invalid Integration identifier specified".
template <typename Fn>
Result<AdminReply> withIntegration(ApiGatewayContext& ctx, const AdminCall& call, Fn&& fn) {
  std::lock_guard lock(ctx.mu);
  auto ref = loadMethod(ctx, call.params[0], call.params[1], call.params[2]);
  if (!ref) return ref.takeError();
  auto* integration = json::obj(ref->method(), "methodIntegration");
  if (!integration) return ApiError::notFound("Invalid Integration identifier specified");
  return fn(*ref, *integration);
}

Result<AdminReply> putIntegrationResponse(ApiGatewayContext& ctx, const AdminCall& call) {
  const std::string& code = call.params[3];
  if (!isValidStatusCode(code)) return ApiError::badRequest("Invalid status code specified: " + code);
  auto body = call.json();
  if (!body) return body.takeError();
  return withIntegration(ctx, call, [&](MethodRef& ref, bj::object& integration) -> Result<AdminReply> {
    bj::object r;
    r["statusCode"] = code;
    if (auto s = json::str(*body, "selectionPattern")) r["selectionPattern"] = *s;
    if (auto s = json::str(*body, "contentHandling")) r["contentHandling"] = *s;
    for (auto key : {"responseParameters", "responseTemplates"}) {
      if (auto* o = json::obj(*body, key)) r[key] = *o;
    }
    if (auto st = validateResponseParameters(r); !st) return st.takeError();
    bj::object candidate = integration;
    json::objAt(candidate, "integrationResponses")[code] = r;
    if (auto st = validateIntegration(ctx, candidate); !st) return st.takeError();
    integration = std::move(candidate);
    ref.save(ctx);
    return reply(201, std::move(r));
  });
}

}  // namespace

void registerIntegrationRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  constexpr std::string_view kIntegration = "restapis/{}/resources/{}/methods/{}/integration";
  constexpr std::string_view kResponse = "restapis/{}/resources/{}/methods/{}/integration/responses/{}";

  routes.add(verb::put, kIntegration, [&ctx](const AdminCall& call) { return putIntegration(ctx, call); });
  routes.add(verb::get, kIntegration, [&ctx](const AdminCall& call) {
    return withIntegration(ctx, call, [](MethodRef&, bj::object& i) -> Result<AdminReply> { return reply(200, i); });
  });
  routes.add(verb::patch, kIntegration, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    return withIntegration(ctx, call, [&](MethodRef& ref, bj::object& i) -> Result<AdminReply> {
      bj::object updated = i;
      if (auto st = applyPatch(updated, *body, kIntegrationFields); !st) return st.takeError();
      if (auto st = validateIntegration(ctx, updated); !st) return st.takeError();
      i = updated;
      ref.save(ctx);
      return reply(200, std::move(updated));
    });
  });
  routes.add(verb::delete_, kIntegration, [&ctx](const AdminCall& call) {
    return withIntegration(ctx, call, [&](MethodRef& ref, bj::object&) -> Result<AdminReply> {
      ref.method().erase("methodIntegration");
      ref.save(ctx);
      return AdminReply{204, std::nullopt};
    });
  });

  routes.add(verb::put, kResponse, [&ctx](const AdminCall& call) { return putIntegrationResponse(ctx, call); });
  auto withResponse = [&ctx](const AdminCall& call, auto&& fn) {
    return withIntegration(ctx, call, [&](MethodRef& ref, bj::object& i) -> Result<AdminReply> {
      auto* responses = json::obj(i, "integrationResponses");
      auto* r = responses ? responses->if_contains(call.params[3]) : nullptr;
      if (!r || !r->is_object()) return ApiError::notFound("Invalid Response status code specified");
      return fn(ref, i, *responses, r->get_object());
    });
  };
  routes.add(verb::get, kResponse, [withResponse](const AdminCall& call) {
    return withResponse(
        call, [](MethodRef&, bj::object&, bj::object&, bj::object& r) -> Result<AdminReply> { return reply(200, r); });
  });
  routes.add(verb::patch, kResponse, [withResponse, &ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    return withResponse(call, [&](MethodRef& ref, bj::object& i, bj::object&, bj::object& r) -> Result<AdminReply> {
      bj::object updated = r;
      if (auto st = applyPatch(updated, *body, kIntegrationResponseFields); !st) return st.takeError();
      if (auto st = validateResponseParameters(updated); !st) return st.takeError();
      bj::object candidate = i;
      json::objAt(candidate, "integrationResponses")[call.params[3]] = updated;
      if (auto st = validateIntegration(ctx, candidate); !st) return st.takeError();
      i = std::move(candidate);
      ref.save(ctx);
      return reply(200, std::move(updated));
    });
  });
  routes.add(verb::delete_, kResponse, [withResponse, &ctx](const AdminCall& call) {
    return withResponse(call, [&](MethodRef& ref, bj::object&, bj::object& all, bj::object&) -> Result<AdminReply> {
      all.erase(call.params[3]);
      ref.save(ctx);
      return AdminReply{204, std::nullopt};
    });
  });
}

}  // namespace portico::control::apigateway
