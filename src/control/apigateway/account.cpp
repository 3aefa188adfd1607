// API Gateway's GetAccount and UpdateAccount (GET / PATCH /account): the account's
// cloudwatchRoleArn (the role AWS assumes to write CloudWatch logs; Portico writes its log groups
// itself and only keeps the ARN), its features ("UsagePlans"), and the account throttle Portico
// applies (--account-rate-limit, --account-burst-limit) reported as throttleSettings.
// https://docs.aws.amazon.com/apigateway/latest/api/API_GetAccount.html
#include <re2/re2.h>

#include <boost/json.hpp>

#include "common/json_util.h"
#include "control/apigateway/apigateway_context.h"
#include "control/patch_operations.h"

namespace portico::control::apigateway {
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kAccount = "account";

bj::object accountDoc(ApiGatewayContext& ctx) {
  bj::object out;
  if (auto stored = loadDoc(ctx, kAccount, "", "account")) out = std::move(*stored);
  bj::object view;
  if (auto* role = out.if_contains("cloudwatchRoleArn"); role && role->is_string() && !role->get_string().empty()) {
    view["cloudwatchRoleArn"] = *role;
  }
  view["throttleSettings"] =
      bj::object{{"burstLimit", static_cast<std::int64_t>(ctx.accountBurstLimit)}, {"rateLimit", ctx.accountRateLimit}};
  view["features"] = bj::array{"UsagePlans"};
  view["apiKeyVersion"] = "4";
  return view;
}

}  // namespace

void registerAccountRoutes(RouteTable& routes, ApiGatewayContext& ctx) {
  routes.add(verb::get, "account", [&ctx](const AdminCall&) -> Result<AdminReply> {
    std::lock_guard lock(ctx.mu);
    return reply(200, accountDoc(ctx));
  });
  routes.add(verb::patch, "account", [&ctx](const AdminCall& call) -> Result<AdminReply> {
    auto body = call.json();
    if (!body) return body.takeError();
    std::lock_guard lock(ctx.mu);
    bj::object stored;
    if (auto doc = loadDoc(ctx, kAccount, "", "account")) stored = std::move(*doc);
    static constexpr PatchField kFields[] = {{"/cloudwatchRoleArn", FieldKind::kString, "cloudwatchRoleArn"}};
    if (auto st = applyPatch(stored, *body, kFields); !st) return st.takeError();
    const std::string role = json::strOr(stored, "cloudwatchRoleArn", "");
    static const re2::RE2 kRoleArn(R"(arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512})");
    if (!role.empty() && !re2::RE2::FullMatch(role, kRoleArn)) {
      return ApiError::badRequest("The role ARN is not well formed");
    }
    saveDoc(ctx, kAccount, "", "account", stored);
    return reply(200, accountDoc(ctx));
  });
}

}  // namespace portico::control::apigateway
