// Access logs (access_log.h): the console's four presets compile and render from a $context,
// missing values as "-", control characters neutralised; what AWS refuses in a format; the queue
// drops (and counts) lines rather than blocking when its writer cannot keep up.
#include "gateway/access_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>

namespace portico::gateway {
namespace {
namespace bj = boost::json;

constexpr std::string_view kClf =
    "$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "
    "\"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength "
    "$context.requestId $context.extendedRequestId";
constexpr std::string_view kJson =
    R"({ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" })";
constexpr std::string_view kXml =
    R"(<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>)";
constexpr std::string_view kCsv =
    "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,"
    "$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,"
    "$context.requestId,$context.extendedRequestId";

bj::object context() {
  return bj::parse(R"({"requestId": "7b1a0e3c-0000-4000-8000-000000000001", "extendedRequestId": "abcDEF123=",
    "identity": {"sourceIp": "127.0.0.1", "caller": null, "user": null, "userAgent": "curl\n/8"},
    "requestTime": "03/Dec/2026:14:00:00 +0000", "httpMethod": "GET", "resourcePath": "/pets/{id}",
    "protocol": "HTTP/1.1", "status": 200, "responseLength": "17", "isCanaryRequest": false})")
      .as_object();
}

std::string render(std::string_view format) {
  auto compiled = AccessLogFormat::compile(format);
  EXPECT_TRUE(compiled) << compiled.error().message;
  return compiled ? compiled->render(context()) : "";
}

TEST(AccessLogFormat, ThePresetsRender) {
  EXPECT_EQ(render(kClf),
            "127.0.0.1 - - [03/Dec/2026:14:00:00 +0000] \"GET /pets/{id} HTTP/1.1\" 200 17 "
            "7b1a0e3c-0000-4000-8000-000000000001 abcDEF123=");
  const bj::value json = bj::parse(render(kJson));
  EXPECT_EQ(json.at("status"), "200");
  EXPECT_EQ(json.at("caller"), "-");
  EXPECT_EQ(json.at("resourcePath"), "/pets/{id}");
  EXPECT_NE(render(kXml).find("<status>200</status> <protocol>HTTP/1.1</protocol>"), std::string::npos);
  EXPECT_EQ(render(kCsv),
            "127.0.0.1,-,-,03/Dec/2026:14:00:00 +0000,GET,/pets/{id},HTTP/1.1,200,17,"
            "7b1a0e3c-0000-4000-8000-000000000001,abcDEF123=");
  EXPECT_EQ(render("$context.requestId $context.identity.userAgent $context.isCanaryRequest $context.error.message."),
            "7b1a0e3c-0000-4000-8000-000000000001 curl /8 false -.");
}

TEST(AccessLogFormat, WhatIsRefused) {
  auto refusal = [](std::string_view format) {
    auto compiled = AccessLogFormat::compile(format);
    return compiled ? std::string("accepted") : compiled.error().type + ": " + compiled.error().message;
  };
  EXPECT_EQ(refusal("$context.requestId $context.nothing"),
            "BadRequestException: Invalid access log format: $context.nothing is not a $context variable");
  EXPECT_EQ(refusal("$context.requestId $input.body"),
            "BadRequestException: Invalid access log format: only $context variables are allowed, at \"$input.body\"");
  EXPECT_EQ(refusal("$context.status"),
            "BadRequestException: Invalid access log format: it must contain $context.requestId or "
            "$context.extendedRequestId");
  EXPECT_EQ(refusal("$context.requestId\n$context.status"),
            "BadRequestException: Invalid access log format: it must be a single line");
  EXPECT_EQ(refusal("$context.requestId " + std::string(100 * 1024, 'x')),
            "BadRequestException: Invalid access log format: longer than 4096 characters");
  EXPECT_EQ(refusal("$context.extendedRequestId"), "accepted");
}

TEST(QueuedAccessLog, WritesLinesAndDropsWhenTheWriterIsStuck) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  std::thread drain;
  {
    QueuedAccessLog log(fds[1], false, 4);
    log.write("first");
    std::string got;
    char buf[64];
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         got.size() < 6 && std::chrono::steady_clock::now() < until;) {
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(got, "first\n");
    // Fill the pipe so that the writer blocks on its next line.
    ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
    std::string fill(65536, 'x');
    while (::write(fds[1], fill.data(), fill.size()) > 0) {
    }
    ::fcntl(fds[1], F_SETFL, 0);
    log.write("stuck");  // taken by the writer, which then blocks
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (int i = 0; i < 10; ++i) log.write("line " + std::to_string(i));  // 4 queued, 6 dropped
    EXPECT_EQ(log.dropped(), 6u);
    drain = std::thread([fd = fds[0]] {
      char b[4096];
      while (::read(fd, b, sizeof b) > 0) {
      }
    });
  }                 // the destructor writes what is queued (the drain lets it) and joins
  ::close(fds[1]);  // the drain reads to the end
  drain.join();
  ::close(fds[0]);
}

}  // namespace
}  // namespace portico::gateway
