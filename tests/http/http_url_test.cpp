#include "http/http_url.h"

#include <gtest/gtest.h>

namespace portico::http {
namespace {

TEST(HttpUrlTest, SplitsEndpoints) {
  auto u = parseHttpUrl("http://127.0.0.1:8080/pets/42?x=1&y=%20");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->hostHeader, "127.0.0.1:8080");
  EXPECT_EQ(u->target, "/pets/42?x=1&y=%20");

  u = parseHttpUrl("HTTP://example.com");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(parseHttpUrl("http://h?q=1")->target, "/?q=1");
  EXPECT_EQ(parseHttpUrl("http://h/a#frag")->target, "/a");

  u = parseHttpUrl("http://[::1]:9000/x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->hostHeader, "[::1]:9000");
}

TEST(HttpUrlTest, HttpsDefaultsToPort443) {
  auto u = parseHttpUrl("https://api.example.com/v1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/v1");
  EXPECT_FALSE(parseHttpUrl("http://h/")->tls);
}

TEST(HttpUrlTest, RefusesWhatItCannotSend) {
  for (const char* bad : {"httpx://h/", "ftp://h/", "http://", "https://", "http:///x", "http://user@h/", "http://h:0/",
                          "http://h:70000/", "http://h:8a/", "http://[::1/", "http://:80/", "h/x",
                          "http://h/x HTTP/1.1\r\nX: 1", "http://h/a b", "http://h\n/x"}) {
    EXPECT_FALSE(parseHttpUrl(bad)) << bad;
  }
}

}  // namespace
}  // namespace portico::http
