#include "http/message_writer.h"

#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>
#include <sstream>

namespace portico::http {
namespace {

namespace bhttp = boost::beast::http;

/// What Beast's own serializer writes for the head of `msg`.
template <class Message>
std::string beastHead(const Message& msg) {
  std::ostringstream out;
  out << msg.base();
  return out.str();
}

TEST(MessageWriterTest, ResponseHeadMatchesBeast) {
  Response res{bhttp::status::not_found, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.insert("Set-Cookie", "a=1");
  res.insert("Set-Cookie", "b=2");
  res.set("x-amzn-RequestId", "r-1");
  res.body() = R"({"message":"x"})";
  res.prepare_payload();
  EXPECT_EQ(serializeHead(res), beastHead(res));
  EXPECT_TRUE(serializeHead(res).starts_with("HTTP/1.1 404 Not Found\r\n"));

  Response custom{bhttp::status::ok, 10};
  custom.reason("Fine");
  EXPECT_EQ(serializeHead(custom), "HTTP/1.0 200 Fine\r\n\r\n");
  Response unusual{static_cast<bhttp::status>(299), 11};
  EXPECT_EQ(serializeHead(unusual), beastHead(unusual));
}

TEST(MessageWriterTest, FieldsThatWouldSplitTheMessageAreLeftOut) {
  Request req{bhttp::verb::get, "/", 11};
  req.set("X-Ok", "fine");
  req.set("X-Evil", "a\r\nContent-Length: 0\r\n\r\nGET /internal HTTP/1.1");
  req.set("X-Nul", std::string("a\0b", 3));
  EXPECT_EQ(serializeHead(req), "GET / HTTP/1.1\r\nX-Ok: fine\r\n\r\n");
}

TEST(MessageWriterTest, RequestHeadMatchesBeast) {
  Request req{bhttp::verb::post, "/echo?x=y", 11};
  req.set(bhttp::field::host, "127.0.0.1:9");
  req.set("X-Trace", "1");
  req.body() = "hello";
  req.prepare_payload();
  EXPECT_EQ(serializeHead(req), beastHead(req));
  EXPECT_TRUE(serializeHead(req).starts_with("POST /echo?x=y HTTP/1.1\r\n"));
}

}  // namespace
}  // namespace portico::http
