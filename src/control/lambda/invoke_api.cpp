// Invoke: POST /2015-03-31/functions/{name}/invocations, through the in-process Invoker; and the
// deprecated InvokeAsync (POST /2014-11-13/functions/{name}/invoke-async/), an Event invocation
// answered 202 {"Status": 202}, as older SDKs and tools still call it.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
// https://docs.aws.amazon.com/lambda/latest/api/API_InvokeAsync.html
#include <boost/json.hpp>

#include "common/base64.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
using boost::beast::http::verb;

void registerInvokeRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.addAsync(verb::post, "2015-03-31/functions/{}/invocations",
                  [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
                    functions::InvokeRequest req;
                    req.function = call.params[0];
                    req.qualifier = call.queryParam("Qualifier").value_or("");
                    req.payload = std::string(call.body);
                    std::string type = call.header("X-Amz-Invocation-Type");
                    if (type.empty() || type == "RequestResponse") {
                      req.type = functions::InvocationType::kRequestResponse;
                    } else if (type == "Event") {
                      req.type = functions::InvocationType::kEvent;
                    } else if (type == "DryRun") {
                      req.type = functions::InvocationType::kDryRun;
                    } else {
                      co_return validationError("1 validation error detected: Value '" + type +
                                                "' at 'invocationType' failed to satisfy constraint: Member must "
                                                "satisfy enum value set: [Event, RequestResponse, DryRun]");
                    }
                    req.tailLog = call.header("X-Amz-Log-Type") == "Tail";
                    req.clientContext = call.header("X-Amz-Client-Context");
                    auto result = co_await ctx.invoker.invoke(std::move(req));
                    if (!result) co_return result.takeError();
                    AdminReply reply;
                    reply.status = result->status;
                    // The invocation's own request id, as Lambda answers it (the function's
                    // context.aws_request_id); AdminHandler gives the other replies a fresh one.
                    if (!result->requestId.empty()) {
                      reply.headers.emplace_back(std::string(AdminHandler::kRequestIdHeader), result->requestId);
                    }
                    if (result->status == 200) {
                      reply.rawBody = std::move(result->payload);
                      reply.contentType = "application/json";
                      reply.headers.emplace_back("X-Amz-Executed-Version", result->executedVersion);
                      if (!result->functionError.empty()) {
                        reply.headers.emplace_back("X-Amz-Function-Error", result->functionError);
                      }
                      if (!result->logTail.empty()) {
                        // Lambda returns the last 4 KB of the log.
                        std::string_view tail = result->logTail;
                        if (tail.size() > 4096) tail = tail.substr(tail.size() - 4096);
                        reply.headers.emplace_back("X-Amz-Log-Result", base64Encode(tail));
                      }
                    }
                    co_return reply;
                  });
  routes.addAsync(verb::post, "2014-11-13/functions/{}/invoke-async",
                  [&ctx](const AdminCall& call) -> boost::asio::awaitable<Result<AdminReply>> {
                    functions::InvokeRequest req;
                    req.function = call.params[0];
                    req.payload = std::string(call.body);
                    req.type = functions::InvocationType::kEvent;
                    auto result = co_await ctx.invoker.invoke(std::move(req));
                    if (!result) co_return result.takeError();
                    AdminReply reply{202, boost::json::value(boost::json::object{{"Status", 202}})};
                    if (!result->requestId.empty()) {
                      reply.headers.emplace_back(std::string(AdminHandler::kRequestIdHeader), result->requestId);
                    }
                    co_return reply;
                  });
}

}  // namespace portico::control::lambda
