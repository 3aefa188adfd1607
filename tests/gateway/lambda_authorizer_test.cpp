// The one Lambda authorizer implementation (lambda_authorizer.h) that the data plane and
// TestInvokeAuthorizer share: identity, refusal, events, the verdict read from an invocation, and
// the data plane's Authorization over it.
#include "gateway/lambda_authorizer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <map>
#include <vector>

#include "gateway/authorization.h"
#include "support/fixed_clock.h"

namespace portico::gateway {
namespace {
namespace asio = boost::asio;
namespace bj = boost::json;

constexpr std::string_view kAllow =
    R"({"principalId": "user-1", "policyDocument": {"Version": "2012-10-17", "Statement": [{"Action":)"
    R"( "execute-api:Invoke", "Effect": "Allow", "Resource": "arn:aws:execute-api:*"}]},)"
    R"( "context": {"role": "admin", "n": 3, "ok": true}, "usageIdentifierKey": "key-1"})";
constexpr std::string_view kDeny =
    R"({"principalId": "user-2", "policyDocument": {"Version": "2012-10-17", "Statement": [{"Action":)"
    R"( "execute-api:Invoke", "Effect": "Deny", "Resource": "arn:aws:execute-api:*"}]}})";

template <class T>
T runSync(asio::awaitable<T> task) {
  asio::io_context ioc;
  auto done = asio::co_spawn(ioc, std::move(task), asio::use_future);
  ioc.run();
  return done.get();
}

class FakeInvoker final : public functions::Invoker {
 public:
  Result<functions::InvokeResult> next = functions::InvokeResult{};
  std::vector<functions::InvokeRequest> seen;

  asio::awaitable<Result<functions::InvokeResult>> invoke(functions::InvokeRequest request) override {
    seen.push_back(std::move(request));
    co_return next;
  }
};

functions::InvokeResult answer(std::string_view payload, std::string functionError = "") {
  functions::InvokeResult out;
  out.payload = std::string(payload);
  out.functionError = std::move(functionError);
  out.logTail = "the log";
  return out;
}

CompiledAuthorizer authorizer(std::string type, std::vector<std::string> sources, int ttl = 300) {
  CompiledAuthorizer a;
  a.id = "auth1";
  a.name = "tok";
  a.type = std::move(type);
  a.functionUri =
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
      "arn:aws:lambda:us-east-1:000000000000:function:authz/invocations";
  a.identitySource = std::move(sources);
  a.ttlSeconds = ttl;
  return a;
}

SourceLookup lookupIn(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view source) -> std::optional<std::string> {
    auto it = values.find(std::string(source));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(LambdaAuthorizer, IdentityFromEverySource) {
  auto a = authorizer("REQUEST", {"method.request.header.X-User", "method.request.querystring.tenant"});
  auto both = authorizerIdentity(
      a, lookupIn({{"method.request.header.X-User", "ann"}, {"method.request.querystring.tenant", "t1"}}));
  EXPECT_EQ(both.token, "ann");
  EXPECT_EQ(both.cacheKey, "auth1\nann\nt1");
  EXPECT_TRUE(both.complete);
  auto one = authorizerIdentity(a, lookupIn({{"method.request.querystring.tenant", "t1"}}));
  EXPECT_EQ(one.token, "t1");
  EXPECT_EQ(one.cacheKey, "auth1\n\nt1");
  EXPECT_FALSE(one.complete);
}

TEST(LambdaAuthorizer, WhenTheAuthorizerIsNotAsked) {
  auto token = authorizer("TOKEN", {"method.request.header.Authorization"});
  EXPECT_EQ(identityRefusal(token, {"", "auth1\n", false}), "the identity source is missing");
  EXPECT_FALSE(identityRefusal(token, {"Bearer x", "auth1\nBearer x", true}));
  token.validation = std::make_shared<const re2::RE2>("^Bearer [a-z]+$");
  EXPECT_TRUE(identityRefusal(token, {"alice", "auth1\nalice", true}));
  EXPECT_FALSE(identityRefusal(token, {"Bearer alice", "auth1\nBearer alice", true}));

  auto cached = authorizer("REQUEST", {"a", "b"}, 300);
  EXPECT_TRUE(identityRefusal(cached, {"x", "auth1\nx\n", false}));
  auto uncached = authorizer("REQUEST", {"a", "b"}, 0);
  EXPECT_FALSE(identityRefusal(uncached, {"x", "auth1\nx\n", false}));
}

TEST(LambdaAuthorizer, Events) {
  EXPECT_EQ(tokenEvent("Bearer x", "arn:m"),
            (bj::object{{"type", "TOKEN"}, {"authorizationToken", "Bearer x"}, {"methodArn", "arn:m"}}));
  bj::object request = requestEvent(
      bj::object{{"path", "/p"}, {"body", "b"}, {"isBase64Encoded", false}, {"headers", bj::object()}}, "arn:m");
  EXPECT_EQ(request,
            (bj::object{{"path", "/p"}, {"headers", bj::object()}, {"type", "REQUEST"}, {"methodArn", "arn:m"}}));
}

TEST(LambdaAuthorizer, AnAnswerIsReadWhole) {
  auto verdict = readAuthorizerResult(answer(kAllow));
  ASSERT_EQ(verdict.outcome, AuthorizerOutcome::kAnswered);
  EXPECT_EQ(verdict.answer->principalId, "user-1");
  EXPECT_EQ(verdict.answer->usageIdentifierKey, "key-1");
  EXPECT_EQ(authorizerValueText(verdict.answer->context.at("role")), "admin");
  EXPECT_EQ(authorizerValueText(verdict.answer->context.at("n")), "3");
  EXPECT_EQ(authorizerValueText(verdict.answer->context.at("ok")), "true");
  EXPECT_EQ(verdict.policyDocument.at("Statement").at(0).at("Effect"), "Allow");
  EXPECT_EQ(verdict.logTail, "the log");
}

TEST(LambdaAuthorizer, UnauthorizedAndConfigurationErrors) {
  EXPECT_EQ(readAuthorizerResult(answer(R"({"errorMessage": "Unauthorized"})", "Unhandled")).outcome,
            AuthorizerOutcome::kUnauthorized);
  auto failed = readAuthorizerResult(answer(R"({"errorMessage": "boom"})", "Unhandled"));
  EXPECT_EQ(failed.outcome, AuthorizerOutcome::kConfigError);
  EXPECT_EQ(failed.reason, R"(failed: {"errorMessage": "boom"})");
  EXPECT_EQ(failed.logTail, "the log");
  for (std::string_view bad : {std::string_view("not json"), std::string_view(R"({"principalId": "x"})"),
                               std::string_view(R"({"policyDocument": {"Statement": []}})"),
                               std::string_view(R"({"principalId": "x", "policyDocument": 5})")}) {
    EXPECT_EQ(readAuthorizerResult(answer(bad)).outcome, AuthorizerOutcome::kConfigError) << bad;
  }
  std::string nested(kAllow);
  nested.replace(nested.find("\"admin\""), 7, R"({"deep": 1})");
  auto scalarsOnly = readAuthorizerResult(answer(nested));
  EXPECT_EQ(scalarsOnly.outcome, AuthorizerOutcome::kConfigError);
  EXPECT_EQ(scalarsOnly.reason, "answered badly: authorizer context values must be scalars");
  auto notInvoked = readAuthorizerResult(ApiError::lambda("ResourceNotFoundException", 404, "no such function"));
  EXPECT_EQ(notInvoked.outcome, AuthorizerOutcome::kConfigError);
  EXPECT_EQ(notInvoked.invokeError, "no such function");
  EXPECT_EQ(notInvoked.reason, "could not be invoked: no such function");
}

TEST(LambdaAuthorizer, InvokeSendsTheEventAndTimesIt) {
  FakeInvoker invoker;
  invoker.next = answer(kAllow);
  functions::InvokeRequest request;
  request.function = "authz";
  request.payload = bj::serialize(tokenEvent("t", "arn:m"));
  request.tailLog = true;
  auto verdict = runSync(invokeAuthorizer(invoker, std::move(request)));
  EXPECT_EQ(verdict.outcome, AuthorizerOutcome::kAnswered);
  EXPECT_GE(verdict.latency.count(), 0);
  ASSERT_EQ(invoker.seen.size(), 1u);
  EXPECT_EQ(invoker.seen[0].function, "authz");
  EXPECT_TRUE(invoker.seen[0].tailLog);
  EXPECT_EQ(bj::parse(invoker.seen[0].payload).at("authorizationToken"), "t");
}

class NoCredentials final : public auth::CredentialSource {
 public:
  std::optional<std::string> secretFor(std::string_view) const override { return std::nullopt; }
};

/// The data plane's Authorization, which asks and judges through the same functions.
class DataPlaneAuthorizer : public ::testing::Test {
 protected:
  void SetUp() override {
    stage_->apiId = "api";
    stage_->stageName = "dev";
    stage_->authorizers.emplace("auth1", authorizer("TOKEN", {"method.request.header.Authorization"}));
    method_.authorizationType = "CUSTOM";
    method_.authorizer = &stage_->authorizers.at("auth1");
  }

  StageResult run(std::string token) {
    ctx_ = std::make_unique<RequestContext>(RequestContext{request_, conn_, stage_, "req", "ext", "/pets", "", {}});
    ctx_->match.method = &method_;
    if (!token.empty()) ctx_->headersLast["Authorization"] = token;
    return runSync(authorization_.run(*ctx_));
  }

  FakeInvoker invoker_;
  NoCredentials credentials_;
  FixedClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1795694400))};
  Authorization authorization_{invoker_, credentials_, clock_, {}};
  std::shared_ptr<StageSnapshot> stage_ = std::make_shared<StageSnapshot>();
  http::Request request_{boost::beast::http::verb::get, "/dev/pets", 11};
  http::ConnectionInfo conn_{"127.0.0.1", 0};
  CompiledMethod method_;
  std::unique_ptr<RequestContext> ctx_;
};

TEST_F(DataPlaneAuthorizer, AllowIsCachedAndFillsTheContext) {
  invoker_.next = answer(kAllow);
  EXPECT_FALSE(run("Bearer a"));
  EXPECT_EQ(ctx_->authorizer.at("principalId"), "user-1");
  EXPECT_EQ(ctx_->authorizer.at("n"), "3");
  EXPECT_EQ(ctx_->usageIdentifierKey, "key-1");
  ASSERT_EQ(invoker_.seen.size(), 1u);
  auto event = bj::parse(invoker_.seen[0].payload);
  EXPECT_EQ(event.at("type"), "TOKEN");
  EXPECT_EQ(event.at("methodArn"), "arn:aws:execute-api:us-east-1:000000000000:api/dev/GET/pets");
  EXPECT_FALSE(run("Bearer a"));  // from the cache
  EXPECT_EQ(invoker_.seen.size(), 1u);
  EXPECT_EQ(ctx_->authorizer.at("integrationLatency"), 0);
}

TEST_F(DataPlaneAuthorizer, VerdictsBecomeGatewayErrors) {
  EXPECT_EQ(run("")->responseType, "UNAUTHORIZED");
  EXPECT_TRUE(invoker_.seen.empty());
  invoker_.next = answer(kDeny);
  auto denied = run("Bearer deny");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->responseType, "ACCESS_DENIED");
  EXPECT_EQ(denied->message, "User is not authorized to access this resource with an explicit deny");
  invoker_.next = answer(R"({"errorMessage": "Unauthorized"})", "Unhandled");
  EXPECT_EQ(run("Bearer no")->responseType, "UNAUTHORIZED");
  invoker_.next = answer("garbage");
  EXPECT_EQ(run("Bearer garbage")->responseType, "AUTHORIZER_CONFIGURATION_ERROR");
}

}  // namespace
}  // namespace portico::gateway
