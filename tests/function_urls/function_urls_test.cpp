// Function URLs: addressing, the payload format 2.0 event, the answer as a response, CORS, and
// the directory's snapshot following the store.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "common/base64.h"
#include "function_urls/function_url_handler.h"
#include "function_urls/url_cors.h"
#include "function_urls/url_directory.h"
#include "function_urls/url_event.h"
#include "store/store.h"

namespace portico::function_urls {
namespace {
namespace bj = boost::json;
namespace http_ = boost::beast::http;

const std::string kId = "abcdefghij0123456789abcdefghij01";

TEST(FunctionUrlAddressTest, HostAndPathForms) {
  auto a = parseUrlAddress(kId + ".lambda-url.us-east-1.localhost:8080", "/a/b?x=1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->urlId, kId);
  EXPECT_EQ(a->domainName, kId + ".lambda-url.us-east-1.localhost");
  EXPECT_EQ(a->rawPath, "/a/b");
  EXPECT_EQ(a->rawQuery, "x=1");
  auto upper = parseUrlAddress("ABCDEFGHIJ0123456789ABCDEFGHIJ01.LAMBDA-URL.us-east-1.on.aws", "/");
  EXPECT_FALSE(upper);  // (the marker is matched as sent; ids are lower case)
  auto p = parseUrlAddress("127.0.0.1:8080", "/lambda-url/" + kId + "/x/y?q");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rawPath, "/x/y");
  EXPECT_EQ(p->rawQuery, "q");
  auto bare = parseUrlAddress("127.0.0.1", "/lambda-url/" + kId);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->rawPath, "/");
  // Not a URL: API Gateway's, or an id that is not one.
  EXPECT_FALSE(parseUrlAddress("abc.execute-api.us-east-1.localhost", "/dev/x"));
  EXPECT_FALSE(parseUrlAddress("short.lambda-url.us-east-1.localhost", "/"));
  EXPECT_FALSE(parseUrlAddress("127.0.0.1", "/lambda-url/../x"));
  EXPECT_FALSE(parseUrlAddress("127.0.0.1", "/restapis/a/dev/_user_request_/"));
}

http::Request request(http_::verb method, std::string target) {
  http::Request req{method, target, 11};
  req.set(http_::field::host, kId + ".lambda-url.us-east-1.localhost");
  return req;
}

UrlRequestFacts facts(std::string rawPath, std::string rawQuery = "") {
  UrlRequestFacts f;
  f.urlId = kId;
  f.domainName = kId + ".lambda-url.us-east-1.localhost";
  f.rawPath = std::move(rawPath);
  f.rawQuery = std::move(rawQuery);
  f.sourceIp = "127.0.0.1";
  f.requestId = "rid";
  f.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1583348638390));
  f.port = "8080";
  return f;
}

TEST(FunctionUrlEventTest, PayloadFormat2) {
  auto req = request(http_::verb::post, "/p?a=1&a=2&b=%20c");
  req.insert(http_::field::cookie, "c1=v1; c2=v2");
  req.insert(http_::field::cookie, "c3=v3");
  req.insert("X-Multi", "one");
  req.insert("X-Multi", "two");
  req.set(http_::field::content_type, "application/json; charset=utf-8");
  req.body() = "{\"k\":1}";
  bj::object e = bj::parse(urlEvent(req, facts("/p", "a=1&a=2&b=%20c"))).as_object();
  EXPECT_EQ(e["version"], "2.0");
  EXPECT_EQ(e["rawPath"], "/p");
  EXPECT_EQ(e["rawQueryString"], "a=1&a=2&b=%20c");
  EXPECT_EQ(e["queryStringParameters"], (bj::object{{"a", "1,2"}, {"b", " c"}}));
  EXPECT_EQ(e["cookies"], (bj::array{"c1=v1", "c2=v2", "c3=v3"}));
  EXPECT_FALSE(e["headers"].as_object().contains("cookie"));
  EXPECT_EQ(e["headers"].as_object()["x-multi"], "one,two");
  EXPECT_EQ(e["headers"].as_object()["x-forwarded-for"], "127.0.0.1");
  EXPECT_EQ(e["headers"].as_object()["x-forwarded-port"], "8080");
  EXPECT_EQ(e["body"], "{\"k\":1}");
  EXPECT_EQ(e["isBase64Encoded"], false);
  bj::object& ctx = e["requestContext"].as_object();
  EXPECT_EQ(ctx["accountId"], "anonymous");
  EXPECT_EQ(ctx["domainPrefix"], kId.c_str());
  EXPECT_EQ(ctx["time"], "04/Mar/2020:19:03:58 +0000");
  EXPECT_EQ(ctx["timeEpoch"], 1583348638390);
  EXPECT_EQ(ctx["http"].as_object()["method"], "POST");
  EXPECT_FALSE(ctx.contains("authorizer"));

  // A binary body is base64; no query: no queryStringParameters; a caller: the iam authorizer.
  auto bin = request(http_::verb::put, "/");
  bin.set(http_::field::content_type, "image/png");
  bin.body() = std::string("\0\xff", 2);
  auto f = facts("/");
  f.caller = UrlCaller{"AKID", "000000000000"};
  bj::object b = bj::parse(urlEvent(bin, f)).as_object();
  EXPECT_EQ(b["isBase64Encoded"], true);
  EXPECT_EQ(base64Decode(b["body"].as_string()).value(), std::string("\0\xff", 2));
  EXPECT_FALSE(b.contains("queryStringParameters"));
  EXPECT_FALSE(b.contains("cookies"));
  EXPECT_EQ(b["requestContext"].as_object()["accountId"], "000000000000");
  EXPECT_EQ(b["requestContext"].at_pointer("/authorizer/iam/accessKey"), "AKID");
  // No body at all: none in the event.
  bj::object empty = bj::parse(urlEvent(request(http_::verb::get, "/"), facts("/"))).as_object();
  EXPECT_FALSE(empty.contains("body"));
  EXPECT_EQ(empty["isBase64Encoded"], false);
}

TEST(FunctionUrlEventTest, TextContentTypes) {
  for (const char* t : {"text/plain", "text/html; charset=utf-8", "application/json", "application/vnd.api+json",
                        "application/soap+xml", "application/xml"}) {
    EXPECT_TRUE(isTextContentType(t)) << t;
  }
  for (const char* t : {"", "application/octet-stream", "image/png", "application/x-www-form-urlencoded"}) {
    EXPECT_FALSE(isTextContentType(t)) << t;
  }
}

TEST(FunctionUrlResponseTest, StatusCodeObjectsAndOtherJson) {
  auto r = urlResponse(
      R"({"statusCode":201,"headers":{"x-a":"1","n":2},"cookies":["a=1","b=2"],"body":"hi","isBase64Encoded":false})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 201u);
  EXPECT_EQ((*r)["x-a"], "1");
  EXPECT_EQ((*r)["n"], "2");
  EXPECT_EQ((*r)[http_::field::content_type], "application/json");
  EXPECT_EQ(
      std::distance(r->equal_range(http_::field::set_cookie).first, r->equal_range(http_::field::set_cookie).second),
      2);
  EXPECT_EQ(r->body(), "hi");
  auto b64 = urlResponse(R"({"statusCode":200,"isBase64Encoded":true,"body":"AAH/"})");
  ASSERT_TRUE(b64);
  EXPECT_EQ(b64->body(), std::string("\0\x01\xff", 3));
  auto plain = urlResponse(R"({"hello":"world"})");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->result_int(), 200u);
  EXPECT_EQ(plain->body(), R"({"hello":"world"})");
  auto str = urlResponse(R"("just text")");
  ASSERT_TRUE(str);
  EXPECT_EQ(str->body(), "just text");
  auto number = urlResponse("42");
  ASSERT_TRUE(number);
  EXPECT_EQ(number->body(), "42");
  // What makes no response: the caller's 502.
  for (const char* bad :
       {R"({"statusCode":"200"})", R"({"statusCode":99})", R"({"statusCode":600})",
        R"({"statusCode":200,"isBase64Encoded":true,"body":"***"})",
        R"({"statusCode":200,"headers":{"x":"a\r\nSet-Cookie: x=1"}})",
        R"({"statusCode":200,"headers":{"bad name":"v"}})", R"({"statusCode":200,"cookies":["a=1\r\nx: y"]})"}) {
    EXPECT_FALSE(urlResponse(bad)) << bad;
  }
}

TEST(FunctionUrlCorsTest, PreflightAndResponses) {
  UrlCors cors;
  cors.allowOrigins = {"https://app.example"};
  cors.allowMethods = {"GET", "POST"};
  cors.allowHeaders = {"x-token"};
  cors.exposeHeaders = {"x-out"};
  cors.maxAge = 60;
  auto pre = request(http_::verb::options, "/");
  pre.set(http_::field::origin, "https://app.example");
  pre.set(http_::field::access_control_request_method, "POST");
  pre.set(http_::field::access_control_request_headers, "X-Token");
  ASSERT_TRUE(isPreflight(pre));
  auto ok = preflightResponse(cors, pre);
  EXPECT_EQ(ok[http_::field::access_control_allow_origin], "https://app.example");
  EXPECT_EQ(ok[http_::field::access_control_allow_methods], "GET,POST");
  EXPECT_EQ(ok[http_::field::access_control_max_age], "60");
  // A method or header not allowed, or another origin: no CORS headers.
  pre.set(http_::field::access_control_request_method, "DELETE");
  EXPECT_EQ(preflightResponse(cors, pre).count(http_::field::access_control_allow_origin), 0u);
  pre.set(http_::field::access_control_request_method, "GET");
  pre.set(http_::field::access_control_request_headers, "x-other");
  EXPECT_EQ(preflightResponse(cors, pre).count(http_::field::access_control_allow_origin), 0u);
  EXPECT_FALSE(isPreflight(request(http_::verb::options, "/")));

  auto get = request(http_::verb::get, "/");
  get.set(http_::field::origin, "https://app.example");
  http::Response res{http_::status::ok, 11};
  res.set(http_::field::access_control_allow_origin, "*");
  res.set("Access-Control-Allow-Methods", "PUT");
  applyCors(cors, get, res);
  EXPECT_EQ(res[http_::field::access_control_allow_origin], "https://app.example");
  EXPECT_EQ(res.count(http_::field::access_control_allow_methods), 0u);
  EXPECT_EQ(res[http_::field::access_control_expose_headers], "x-out");
  get.set(http_::field::origin, "https://evil.example");
  http::Response other{http_::status::ok, 11};
  other.set(http_::field::access_control_allow_origin, "*");
  applyCors(cors, get, other);
  EXPECT_EQ(other.count(http_::field::access_control_allow_origin), 0u);
  // "*" with credentials answers with the origin itself (a browser refuses "*" with credentials).
  cors.allowOrigins = {"*"};
  cors.allowCredentials = true;
  http::Response star{http_::status::ok, 11};
  applyCors(cors, get, star);
  EXPECT_EQ(star[http_::field::access_control_allow_origin], "https://evil.example");
}

TEST(FunctionUrlDirectoryTest, FollowsTheStore) {
  const auto path = std::filesystem::temp_directory_path() / ("portico-urls-" + std::to_string(::getpid()) + ".db");
  {
    auto store = store::makeSqliteStore(path);
    FunctionUrlDirectory directory(*store);
    EXPECT_EQ(directory.find(kId), nullptr);
    store->put({std::string(kFunctionUrlKind), "", kId,
                R"({"FunctionName":"fn","Qualifier":"live","AuthType":"AWS_IAM","InvokeMode":"BUFFERED",
                    "Cors":{"AllowOrigins":["https://a"],"AllowMethods":["get"],"AllowHeaders":["X-A"],"MaxAge":5}})",
                0});
    auto found = directory.find(kId);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->function, "fn");
    EXPECT_EQ(found->qualifier, "live");
    EXPECT_EQ(found->auth, UrlAuthType::kAwsIam);
    ASSERT_TRUE(found->cors);
    EXPECT_EQ(found->cors->allowMethods, std::vector<std::string>{"GET"});
    EXPECT_EQ(found->cors->allowHeaders, std::vector<std::string>{"x-a"});
    EXPECT_EQ(found->cors->maxAge, 5);
    EXPECT_EQ(directory.find(kId), found);  // the same snapshot while nothing changes
    store->remove(kFunctionUrlKind, "", kId);
    EXPECT_EQ(directory.find(kId), nullptr);
    EXPECT_EQ(directory.find("not-an-id"), nullptr);
  }
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace portico::function_urls
