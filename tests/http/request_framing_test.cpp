// Request framing checks (RFC 9112) beyond Beast's parser: the transfer codings, obs-fold, Host.
#include "http/request_framing.h"

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <string>

namespace portico::http {
namespace {
namespace bhttp = boost::beast::http;

/// Parses a request head with Beast (as the server does) and checks it.
std::optional<FramingRefusal> check(const std::string& head) {
  bhttp::request_parser<bhttp::empty_body> parser;
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(head), ec);
  if (ec) return FramingRefusal{400, "the parser refused it"};  // the server answers 400 to those
  EXPECT_TRUE(parser.is_header_done()) << head;
  return checkRequestHead(parser.get().base(), head.substr(0, head.find("\r\n\r\n")));
}

std::string withTe(const std::string& value) {
  return "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + value + "\r\n\r\n";
}

TEST(RequestFraming, AcceptsPlainRequestsAndChunked) {
  EXPECT_FALSE(check("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_FALSE(check("GET / HTTP/1.0\r\n\r\n"));  // HTTP/1.0 needs no Host
  EXPECT_FALSE(check(withTe("chunked")));
  EXPECT_FALSE(check(withTe("Chunked")));
  EXPECT_FALSE(check("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"));
}

TEST(RequestFraming, RefusesAFinalCodingThatIsNotChunked) {
  for (const char* te : {"xchunked", "\"chunked\"", "chunked, identity", "identity", "chunked;q=1"}) {
    auto r = check(withTe(te));
    ASSERT_TRUE(r) << te;
    EXPECT_EQ(r->status, 400) << te;
  }
}

TEST(RequestFraming, RefusesChunkedTwiceAndUnknownCodings) {
  auto twice = check(withTe("chunked, chunked"));
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 400);
  auto split = check("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->status, 400);
  auto gzip = check(withTe("gzip, chunked"));
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->status, 501);
  auto empty = check(withTe(", chunked"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
}

TEST(RequestFraming, RefusesTransferEncodingWithContentLength) {
  auto r = check("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(RequestFraming, RefusesObsFoldAndBadHost) {
  auto fold = check("POST / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n");
  ASSERT_TRUE(fold);
  EXPECT_EQ(fold->status, 400);
  auto two = check("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->status, 400);
  auto none = check("GET / HTTP/1.1\r\nX-A: a\r\n\r\n");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 400);
}

TEST(RequestFraming, FindsBareLineFeeds) {
  EXPECT_FALSE(hasBareLineFeed("5\r\nhel"));
  EXPECT_FALSE(hasBareLineFeed("0\r\n"));
  EXPECT_TRUE(hasBareLineFeed("5\nhello"));
  EXPECT_TRUE(hasBareLineFeed("\nnext"));
}

}  // namespace
}  // namespace portico::http
