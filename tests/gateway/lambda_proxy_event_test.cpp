#include "gateway/lambda_proxy_event.h"

#include <gtest/gtest.h>

// GCC 12 at -O1 with the sanitizers reports a false maybe-uninitialized on RequestContext's maps.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>

#include "gateway/lambda_invocation.h"

namespace portico::gateway {
namespace {
namespace bj = boost::json;

TEST(LambdaProxyEvent, CarriesEveryField) {
  http::Request request{boost::beast::http::verb::post, "/dev/items/42/x?x=1&x=2&y=a+b", 11};
  request.set(boost::beast::http::field::host, "abc.execute-api.localhost");
  request.insert("X-Multi", "one");
  request.insert("X-Multi", "two");
  request.set(boost::beast::http::field::content_length, "7");
  request.body() = "{\"a\":1}";
  http::ConnectionInfo conn{"127.0.0.7", 0};
  auto stage = std::make_shared<gateway::StageSnapshot>();
  stage->apiId = "abc";
  stage->stageName = "dev";
  stage->deploymentId = "dep1";
  gateway::CompiledMethod method;
  method.resourceId = "r1";
  method.resourcePath = "/items/{id}/{proxy+}";
  gateway::RequestContext ctx{request, conn, stage, "req-1", "ext-1", "/items/42/x", "x=1&x=2&y=a+b", {}};
  ctx.match.method = &method;
  ctx.match.pathParams = {{"id", "42"}, {"proxy", "x"}};
  ctx.query = {{"x", "1"}, {"x", "2"}, {"y", "a b"}};

  auto event = bj::parse(buildProxyEvent(ctx)).as_object();
  EXPECT_EQ(event["resource"], "/items/{id}/{proxy+}");
  EXPECT_EQ(event["path"], "/items/42/x");
  EXPECT_EQ(event["httpMethod"], "POST");
  EXPECT_EQ(event["headers"].at("X-Multi"), "two");
  EXPECT_EQ(event["multiValueHeaders"].at("X-Multi"), (bj::array{"one", "two"}));
  EXPECT_FALSE(event["headers"].as_object().contains("Content-Length"));
  EXPECT_EQ(event["queryStringParameters"].at("x"), "2");
  EXPECT_EQ(event["queryStringParameters"].at("y"), "a b");
  EXPECT_EQ(event["multiValueQueryStringParameters"].at("x"), (bj::array{"1", "2"}));
  EXPECT_EQ(event["pathParameters"].at("proxy"), "x");
  EXPECT_TRUE(event["stageVariables"].is_null());
  EXPECT_EQ(event["body"], "{\"a\":1}");
  EXPECT_EQ(event["isBase64Encoded"], false);
  auto& rc = event["requestContext"].as_object();
  EXPECT_EQ(rc["path"], "/dev/items/42/x");
  EXPECT_EQ(rc["stage"], "dev");
  EXPECT_EQ(rc["requestId"], "req-1");
  EXPECT_EQ(rc["resourceId"], "r1");
  EXPECT_EQ(rc["deploymentId"], "dep1");
  EXPECT_EQ(rc["identity"].at("sourceIp"), "127.0.0.7");
  EXPECT_TRUE(rc["identity"].at("cognitoIdentityId").is_null());
  EXPECT_TRUE(rc["requestTimeEpoch"].is_int64());
}

TEST(LambdaProxyEvent, EmptyPartsAreNullAndBinaryBodiesBase64) {
  http::Request request{boost::beast::http::verb::put, "/dev/", 11};
  request.set(boost::beast::http::field::content_type, "image/png");
  request.body() = std::string("\x89PNG\0", 5);
  http::ConnectionInfo conn{"127.0.0.1", 0};
  auto stage = std::make_shared<gateway::StageSnapshot>();
  stage->binaryMediaTypes = {"image/*"};
  stage->stageVariables["v"] = "1";
  gateway::CompiledMethod method;
  method.resourcePath = "/";
  gateway::RequestContext ctx{request, conn, stage, "r", "e", "", "", {}};
  ctx.match.method = &method;
  auto event = bj::parse(buildProxyEvent(ctx)).as_object();
  EXPECT_EQ(event["path"], "/");
  EXPECT_TRUE(event["queryStringParameters"].is_null());
  EXPECT_TRUE(event["multiValueQueryStringParameters"].is_null());
  EXPECT_TRUE(event["pathParameters"].is_null());
  EXPECT_EQ(event["stageVariables"].at("v"), "1");
  EXPECT_EQ(event["isBase64Encoded"], true);
  EXPECT_EQ(event["body"], "iVBORwA=");
}

/// A request as the server's parser reads it off the wire.
http::Request parsed(std::string_view wire) {
  boost::beast::http::request_parser<boost::beast::http::string_body> parser;
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
  return parser.release();
}

// Header names are the client's, as sent (API Gateway's event shows a `tEsT-HEADeR` so), except
// Authorization and User-Agent, which API Gateway title-cases (aws-behaviour.md §4).
TEST(LambdaProxyEvent, HeaderNamesAreAsTheClientSentThem) {
  http::Request request = parsed(
      "GET /dev/ HTTP/1.1\r\nHost: abc.execute-api.localhost\r\nx-my-Header: one\r\ntEsT-HEADeR: aValUE\r\n"
      "content-type: text/plain\r\nauthorization: random-value\r\nuser-agent: curl/8\r\n\r\n");
  http::ConnectionInfo conn{"127.0.0.1", 0};
  auto stage = std::make_shared<gateway::StageSnapshot>();
  gateway::CompiledMethod method;
  method.resourcePath = "/";
  gateway::RequestContext ctx{request, conn, stage, "r", "e", "/", "", {}};
  ctx.match.method = &method;
  auto event = bj::parse(buildProxyEvent(ctx)).as_object();
  const bj::object& headers = event["headers"].as_object();
  EXPECT_EQ(headers.at("x-my-Header"), "one");
  EXPECT_EQ(headers.at("tEsT-HEADeR"), "aValUE");
  EXPECT_EQ(headers.at("content-type"), "text/plain");
  EXPECT_FALSE(headers.contains("X-My-Header"));
  EXPECT_FALSE(headers.contains("Content-Type"));
  EXPECT_EQ(headers.at("Authorization"), "random-value");
  EXPECT_EQ(headers.at("User-Agent"), "curl/8");
  EXPECT_FALSE(headers.contains("authorization"));
  EXPECT_FALSE(headers.contains("user-agent"));
  EXPECT_EQ(event["multiValueHeaders"].at("x-my-Header"), (bj::array{"one"}));
  EXPECT_EQ(event["multiValueHeaders"].at("Authorization"), (bj::array{"random-value"}));
}

TEST(LambdaProxyResponse, AcceptsWhatAwsAccepts) {
  auto r = parseProxyResponse(R"({"statusCode":"201","headers":{"a":"1","b":true,"c":2},"body":"hi"})", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "hi");
  ASSERT_EQ(r->headers.size(), 3u);
  EXPECT_EQ(r->headers[1], (std::pair<std::string, std::string>{"b", "true"}));
  auto empty = parseProxyResponse("{}", false);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  EXPECT_EQ(empty->body, "");
}

TEST(LambdaProxyResponse, MultiValueHeadersMergeWithSingleOnes) {
  auto r = parseProxyResponse(
      R"({"multiValueHeaders":{"Set-Cookie":["a=1","b=2"],"X-Both":["m1","m2"]},"headers":{"x-both":"s"}})", false);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->headers.size(), 3u);
  EXPECT_EQ(r->headers[0], (std::pair<std::string, std::string>{"Set-Cookie", "a=1"}));
  EXPECT_EQ(r->headers[1], (std::pair<std::string, std::string>{"Set-Cookie", "b=2"}));
  EXPECT_EQ(r->headers[2], (std::pair<std::string, std::string>{"X-Both", "m1, m2, s"}));
}

TEST(LambdaProxyResponse, MalformedIsRefused) {
  for (const char* bad : {"[]", "\"text\"", "not json", R"({"statusCode":"abc"})", R"({"statusCode":99})",
                          R"({"unknown":1})", R"({"body":{"a":1}})", R"({"multiValueHeaders":{"a":"x"}})",
                          R"({"headers":{"a":{"b":1}}})", R"({"headers":[]})", R"({"isBase64Encoded":"yes"})"}) {
    EXPECT_FALSE(parseProxyResponse(bad, false)) << bad;
  }
  EXPECT_FALSE(parseProxyResponse(R"({"body":"%%%","isBase64Encoded":true})", true));
}

TEST(LambdaProxyResponse, Base64BodiesDecodeOnlyForBinaryClients) {
  const char* payload = R"({"body":"aGk=","isBase64Encoded":true})";
  EXPECT_EQ(parseProxyResponse(payload, true)->body, "hi");
  EXPECT_EQ(parseProxyResponse(payload, false)->body, "aGk=");
}

TEST(LambdaInvocation, FunctionFromUri) {
  EXPECT_EQ(functionFromUri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                            "arn:aws:lambda:us-east-1:000000000000:function:hello:live/invocations"),
            "arn:aws:lambda:us-east-1:000000000000:function:hello:live");
  EXPECT_FALSE(functionFromUri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions//invocations"));
  EXPECT_FALSE(functionFromUri("arn:aws:apigateway:us-east-1:s3:path/bucket/key"));
  EXPECT_FALSE(functionFromUri("http://example.com/functions/x/invocations"));
}

}  // namespace
}  // namespace portico::gateway
