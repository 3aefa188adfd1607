// Lambda's GetRuntimeManagementConfig / PutRuntimeManagementConfig
// (GET / PUT /2021-07-20/functions/{name}/runtime-management-config): the runtime update mode
// (Auto, FunctionUpdate, or Manual with a RuntimeVersionArn), stored per function and reported
// as AWS does. Portico's runtimes are the ones it ships, so the mode has no effect: documented.
// https://docs.aws.amazon.com/lambda/latest/api/API_PutRuntimeManagementConfig.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/lambda/lambda_context.h"

namespace portico::control::lambda {
namespace bj = boost::json;
using boost::beast::http::verb;

void registerRuntimeManagementRoutes(RouteTable& routes, LambdaContext& ctx) {
  constexpr const char* kPath = "2021-07-20/functions/{}/runtime-management-config";
  routes.add(verb::get, kPath, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::object out{{"UpdateRuntimeOn", "Auto"}, {"FunctionArn", ctx.catalog.functionArn(ref->name)}};
    if (const bj::object* stored = json::obj(*doc, "runtimeManagement")) {
      for (const auto& [k, v] : *stored) out[k] = v;
    }
    return jsonReply(200, std::move(out));
  });
  routes.add(verb::put, kPath, [&ctx](const AdminCall& call) -> Result<AdminReply> {
    static const RE2 kVersionArn(
        R"(^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}::runtime:.+$)");
    auto ref = refFrom(ctx, call);
    if (!ref) return ref.takeError();
    auto body = call.json();
    if (!body) return body.takeError();
    const std::string mode = json::strOr(*body, "UpdateRuntimeOn", "");
    if (mode != "Auto" && mode != "FunctionUpdate" && mode != "Manual") {
      return validationError("1 validation error detected: Value '" + mode.substr(0, 100) +
                             "' at 'updateRuntimeOn' failed to satisfy constraint: Member must satisfy enum value "
                             "set: [Auto, Manual, FunctionUpdate]");
    }
    const std::string version = json::strOr(*body, "RuntimeVersionArn", "");
    if (mode == "Manual" && version.empty()) {
      return invalidParameter("RuntimeVersionArn is required when UpdateRuntimeOn is Manual");
    }
    if (mode != "Manual" && !version.empty()) {
      return invalidParameter("RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual");
    }
    if (!version.empty() && (version.size() > 2048 || !RE2::FullMatch(version, kVersionArn))) {
      return validationError("1 validation error detected: Value '" + version.substr(0, 300) +
                             "' at 'runtimeVersionArn' failed to satisfy constraint: Member must satisfy regular "
                             "expression pattern: ^arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-"
                             "\\d{1}::runtime:.+$");
    }
    std::lock_guard lock(ctx.mu);
    auto doc = loadFunction(ctx, *ref);
    if (!doc) return doc.takeError();
    bj::object stored{{"UpdateRuntimeOn", mode}};
    if (!version.empty()) stored["RuntimeVersionArn"] = version;
    (*doc)["runtimeManagement"] = stored;
    saveFunction(ctx, ref->name, *doc);
    stored["FunctionArn"] = ctx.catalog.functionArn(ref->name);
    return jsonReply(200, std::move(stored));
  });
}

}  // namespace portico::control::lambda
