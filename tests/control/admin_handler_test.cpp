// AdminHandler: every management response carries x-amzn-RequestId (a fresh UUID per request), as
// AWS's do, so an SDK's ResponseMetadata.RequestId is set: successful calls, refused signatures
// (from the head and from the whole request), unknown operations, and an operation's own id (Lambda
// Invoke's) kept as it set it. Requests are signed here (SigV4 written out, not Portico's signer).
#include "control/admin_handler.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "auth/credentials.h"
#include "common/digest.h"
#include "support/fixed_clock.h"

namespace portico::control {
namespace {

namespace beast = boost::beast;
using verb = beast::http::verb;

constexpr std::string_view kAccessKey = "AKIDADMIN";
constexpr std::string_view kSecret = "admin/secret+key";
constexpr std::string_view kAmzDate = "20240501T120000Z";  // the FixedClock's time

bool isUuid(std::string_view text) {
  static const RE2 kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return RE2::FullMatch(std::string(text), kUuid);
}

std::size_t lines(const http::Response& res, std::string_view name) {
  std::size_t n = 0;
  for (const auto& field : res) n += beast::iequals(field.name_string(), name) ? 1 : 0;
  return n;
}

http::Request request(verb method, std::string_view target) {
  http::Request req{method, target, 11};
  req.set(beast::http::field::host, "127.0.0.1:4566");
  return req;
}

/// Signs req (SigV4 header form, host;x-amz-date signed, service apigateway) as the SDKs do.
void sign(http::Request& req) {
  const std::string date(kAmzDate.substr(0, 8));
  req.set("X-Amz-Date", kAmzDate);
  const std::string canonical = std::string(req.method_string()) + "\n" + std::string(req.target()) + "\n\n" +
                                "host:" + std::string(req[beast::http::field::host]) + "\n" +
                                "x-amz-date:" + std::string(kAmzDate) + "\n\n" + "host;x-amz-date\n" +
                                sha256Hex(req.body());
  const std::string scope = date + "/us-east-1/apigateway/aws4_request";
  const std::string toSign = "AWS4-HMAC-SHA256\n" + std::string(kAmzDate) + "\n" + scope + "\n" + sha256Hex(canonical);
  std::string key = hmacSha256("AWS4" + std::string(kSecret), date);
  key = hmacSha256(key, "us-east-1");
  key = hmacSha256(key, "apigateway");
  key = hmacSha256(key, "aws4_request");
  req.set(beast::http::field::authorization,
          "AWS4-HMAC-SHA256 Credential=" + std::string(kAccessKey) + "/" + scope +
              ", SignedHeaders=host;x-amz-date, Signature=" + hexEncode(hmacSha256(key, toSign)));
}

class AdminRequestIds : public ::testing::Test {
 protected:
  AdminRequestIds() {
    credentials_.add(std::string(kAccessKey), std::string(kSecret));
    routes_.add(verb::get, "restapis", [](const AdminCall&) -> Result<AdminReply> {
      return AdminReply{200, boost::json::value(boost::json::object{{"item", boost::json::array()}})};
    });
    routes_.add(verb::get, "restapis/{}", [](const AdminCall& call) -> Result<AdminReply> {
      return ApiError::notFound("Invalid API identifier specified 000000000000:" + call.params[0]);
    });
    routes_.add(verb::post, "invocations", [](const AdminCall&) -> Result<AdminReply> {
      AdminReply reply;
      reply.headers.emplace_back("x-amzn-RequestId", "11111111-2222-4333-8444-555555555555");
      return reply;
    });
  }

  auth::StaticCredentials credentials_;
  FixedClock clock_{std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours{12}};
  RouteTable routes_;
  AdminHandler handler_{routes_, credentials_, clock_};
};

TEST_F(AdminRequestIds, ASuccessfulCallCarriesAFreshUuid) {
  auto first = request(verb::get, "/restapis");
  sign(first);
  auto a = handler_.handleSync(first);
  ASSERT_EQ(a.result_int(), 200u) << a.body();
  EXPECT_TRUE(isUuid(a["x-amzn-RequestId"])) << a["x-amzn-RequestId"];
  EXPECT_EQ(lines(a, "x-amzn-RequestId"), 1u);

  std::set<std::string> seen{std::string(a["x-amzn-RequestId"])};
  for (int i = 0; i < 5; ++i) {
    auto again = request(verb::get, "/restapis");
    sign(again);
    seen.emplace(handler_.handleSync(again)["x-amzn-RequestId"]);
  }
  EXPECT_EQ(seen.size(), 6u) << "one id per request";
}

TEST_F(AdminRequestIds, ErrorsCarryOneToo) {
  auto missing = request(verb::get, "/restapis/nope");
  sign(missing);
  auto notFound = handler_.handleSync(missing);
  EXPECT_EQ(notFound.result_int(), 404u);
  EXPECT_EQ(notFound["x-amzn-ErrorType"], "NotFoundException");
  EXPECT_TRUE(isUuid(notFound["x-amzn-RequestId"])) << notFound["x-amzn-RequestId"];

  auto unknown = request(verb::get, "/no/such/operation");
  sign(unknown);
  auto unrouted = handler_.handleSync(unknown);
  EXPECT_EQ(unrouted.result_int(), 404u);
  EXPECT_EQ(unrouted["x-amzn-ErrorType"], "UnknownOperationException");
  EXPECT_TRUE(isUuid(unrouted["x-amzn-RequestId"])) << unrouted["x-amzn-RequestId"];
}

TEST_F(AdminRequestIds, RefusedSignaturesCarryOne) {
  auto unsignedCall = handler_.handleSync(request(verb::get, "/restapis"));
  EXPECT_EQ(unsignedCall.result_int(), 403u);
  EXPECT_EQ(unsignedCall["x-amzn-ErrorType"], "MissingAuthenticationTokenException");
  EXPECT_TRUE(isUuid(unsignedCall["x-amzn-RequestId"])) << unsignedCall["x-amzn-RequestId"];

  // Refused from its head alone, before the body is read.
  auto forged = request(verb::get, "/restapis");
  sign(forged);
  forged.set(beast::http::field::authorization,
             "AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/20240501/us-east-1/apigateway/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=00");
  auto verdict = handler_.checkHead(forged.base(), http::ConnectionInfo{"127.0.0.1", 0});
  ASSERT_TRUE(verdict.reject);
  EXPECT_EQ(verdict.reject->result_int(), 403u);
  EXPECT_EQ((*verdict.reject)["x-amzn-ErrorType"], "UnrecognizedClientException");
  EXPECT_TRUE(isUuid((*verdict.reject)["x-amzn-RequestId"])) << (*verdict.reject)["x-amzn-RequestId"];
}

TEST_F(AdminRequestIds, AnOperationsOwnIdIsKept) {
  auto call = request(verb::post, "/invocations");
  sign(call);
  auto res = handler_.handleSync(call);
  EXPECT_EQ(res.result_int(), 200u) << res.body();
  EXPECT_EQ(res["x-amzn-RequestId"], "11111111-2222-4333-8444-555555555555");
  EXPECT_EQ(lines(res, "x-amzn-RequestId"), 1u);
}

}  // namespace
}  // namespace portico::control
