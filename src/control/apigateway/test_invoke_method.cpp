// TestInvokeMethod: runs one method of the API as it is now (undeployed edits included) through
// the data plane's own pipeline, with the path, headers, body and stage variables given, and
// answers with the response and AWS's execution log. Authorization, API keys and limits are
// bypassed, as AWS's test does.
// https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeMethod.html
#include <boost/json.hpp>
#include <chrono>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/apigateway/domain_names.h"
#include "gateway/execution_log.h"
#include "gateway/request_context.h"
#include "gateway/route_tree.h"
#include "gateway/router.h"
#include "gateway/snapshot_compiler.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

/// The request the test describes: target, headers (headers, then multiValueHeaders), body.
Result<http::Request> testRequest(const bj::object& body, verb method, const std::string& pathWithQuery,
                                  const std::string& host) {
  http::Request req{method, pathWithQuery, 11};
  req.set(boost::beast::http::field::host, host);
  if (auto* headers = json::obj(body, "headers")) {
    for (const auto& [k, v] : *headers) {
      if (!v.is_string()) return ApiError::badRequest("Invalid header value for " + std::string(k));
      req.set(std::string(k), std::string(v.get_string()));
    }
  }
  if (auto* multi = json::obj(body, "multiValueHeaders")) {
    for (const auto& [k, values] : *multi) {
      if (!values.is_array()) return ApiError::badRequest("Invalid multi-value header " + std::string(k));
      req.erase(std::string(k));
      for (const auto& v : values.get_array()) {
        if (v.is_string()) req.insert(std::string(k), std::string(v.get_string()));
      }
    }
  }
  req.body() = json::strOr(body, "body", "");
  return req;
}

bj::object testResult(const http::Response& res, const gateway::ExecutionLog& log, const std::string& requestId,
                      std::chrono::steady_clock::duration latency) {
  bj::object headers, multi;
  for (const auto& f : res) {
    std::string name(f.name_string());
    headers[name] = std::string(f.value());
    auto& list = multi[name];
    if (!list.is_array()) list.emplace_array();
    list.get_array().emplace_back(std::string(f.value()));
  }
  return bj::object{{"status", res.result_int()},
                    {"body", res.body()},
                    {"headers", std::move(headers)},
                    {"multiValueHeaders", std::move(multi)},
                    {"log", log.text(requestId)},
                    {"latency", std::chrono::duration_cast<std::chrono::milliseconds>(latency).count()}};
}

}  // namespace

void registerTestInvokeMethodRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.addAsync(
      verb::post, "restapis/{}/resources/{}/methods/{}",
      [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
        auto body = call.json();
        if (!body) co_return body.takeError();
        const std::string& apiId = call.params[0];
        const std::string& resourceId = call.params[1];
        const std::string& httpMethod = call.params[2];
        bj::object snapshot, resource, clientCert;
        std::string requestId, apigwId;
        {
          std::lock_guard lock(ctx.mu);
          auto api = loadApi(ctx, apiId);
          if (!api) co_return api.takeError();
          auto r = loadResource(ctx, apiId, resourceId);
          if (!r) co_return r.takeError();
          resource = std::move(r).value();
          auto* methods = json::obj(resource, "resourceMethods");
          if (!methods || !methods->contains(httpMethod)) {
            co_return ApiError::notFound("Invalid Method identifier specified");
          }
          snapshot = deploymentSnapshot(ctx, *api, listDocs(ctx, kResource, apiId));
          // clientCertificateId: the certificate HTTP integrations present to the backend, as a stage's.
          if (auto certId = json::strOr(*body, "clientCertificateId", ""); !certId.empty()) {
            auto cert = loadClientCertificate(ctx, certId);
            if (!cert) co_return ApiError::badRequest(cert.error().message);
            clientCert = bj::object{{"pemEncodedCertificate", cert->at("pemEncodedCertificate")},
                                    {"privateKeyPem", cert->at("privateKeyPem")}};
          }
          requestId = ctx.ids.uuid();
          apigwId = ctx.ids.alnum(16);
        }
        if (!ctx.pipeline || !call.conn) co_return ApiError::internal("test invoke is not available");

        bj::object stageDoc{{"stageName", "test-invoke-stage"}, {"deploymentId", "test-invoke-deployment-id"}};
        if (auto* vars = json::obj(*body, "stageVariables")) stageDoc["variables"] = *vars;
        if (!clientCert.empty()) stageDoc["clientCertificate"] = std::move(clientCert);
        auto compiled = gateway::compileStage(snapshot, stageDoc, ctx.templates);
        if (!compiled) co_return compiled.takeError();
        std::shared_ptr<const gateway::StageSnapshot> stage = std::move(compiled).value();

        std::string resourcePath = json::strOr(resource, "path", "/");
        std::string pathWithQuery = json::strOr(*body, "pathWithQueryString", "");
        if (pathWithQuery.empty()) pathWithQuery = resourcePath;
        if (pathWithQuery.front() != '/') pathWithQuery.insert(0, "/");
        auto q = pathWithQuery.find('?');
        std::string path = pathWithQuery.substr(0, q);
        std::string query = q == std::string::npos ? "" : pathWithQuery.substr(q + 1);

        verb method = boost::beast::http::string_to_verb(httpMethod);
        if (method == verb::unknown) method = verb::get;  // ANY: tested as a GET
        auto request =
            testRequest(*body, method, pathWithQuery, apiId + ".execute-api." + ctx.region + ".amazonaws.com");
        if (!request) co_return request.takeError();

        // The path must reach the tested method; a path that routes elsewhere (or none given)
        // runs the tested method with no path parameters, as the console's Test does.
        gateway::RouteMatch match;
        if (auto routed = gateway::route(stage->root, path, httpMethod);
            routed && routed->resource->resourceId == resourceId && routed->method) {
          match = std::move(*routed);
        } else {
          match.resource = gateway::findResource(stage->root, resourceId);
          if (match.resource) {
            auto it = match.resource->methods.find(httpMethod);
            if (it != match.resource->methods.end()) match.method = it->second.get();
          }
        }
        if (!match.method) co_return ApiError::notFound("Invalid Method identifier specified");

        auto started = ctx.clock.now();
        gateway::ExecutionLog log(started);
        gateway::RequestContext rctx{*request, *call.conn, stage, requestId, apigwId, path, query, std::move(match)};
        rctx.receivedAt = started;
        rctx.testInvoke = true;
        rctx.log = &log;
        auto t0 = std::chrono::steady_clock::now();
        http::Response res = (co_await ctx.pipeline->run(rctx)).response;  // a test invoke is never relayed
        co_return AdminReply{200, bj::value(testResult(res, log, requestId, std::chrono::steady_clock::now() - t0))};
      });
}

}  // namespace portico::control::apigateway
