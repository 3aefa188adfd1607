// The upstream response codec on its own: responses fed in pieces of every size (a head or a chunk
// line cut anywhere), bodies framed by length, by chunks and by the connection's end, bytes after a
// response, limits, and the relay decision.
#include "http/response_codec.h"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <functional>
#include <string>
#include <string_view>

namespace portico::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

void append(beast::flat_buffer& buf, std::string_view bytes) {
  auto space = buf.prepare(bytes.size());
  boost::asio::buffer_copy(space, boost::asio::buffer(bytes.data(), bytes.size()));
  buf.commit(bytes.size());
}

/// Feeds wire to the parser `piece` bytes at a time, as reads would; the first error.
beast::error_code feed(ResponseParser& parser, beast::flat_buffer& buf, std::string_view wire, std::size_t piece) {
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    append(buf, wire.substr(at, piece));
    if (auto ec = parseBuffered(buf, parser)) return ec;
  }
  return {};
}

std::unique_ptr<ResponseParser> parser(RelayMode relay = RelayMode::kNone, std::size_t maxBody = 1 << 20) {
  return makeResponseParser(false, relay, maxBody);
}

/// Parses wire fed in pieces of every size, from one byte to all of it: each time a complete
/// response with nothing left over, which `check` then looks at.
void inPiecesOfEverySize(const std::string& wire, const std::function<void(const ResponseParser&)>& check) {
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    SCOPED_TRACE("pieces of " + std::to_string(piece));
    auto p = parser();
    beast::flat_buffer buf;
    auto ec = feed(*p, buf, wire, piece);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(p->is_done());
    EXPECT_EQ(buf.size(), 0u);
    check(*p);
  }
}

TEST(ResponseCodecTest, LengthFramedResponseInPiecesOfEverySize) {
  inPiecesOfEverySize("HTTP/1.1 201 Created\r\nContent-Length: 11\r\nX-A: b\r\n\r\nhello world",
                      [](const ResponseParser& p) {
                        EXPECT_EQ(p.get().result_int(), 201u);
                        EXPECT_EQ(p.get()["X-A"], "b");
                        EXPECT_EQ(p.get().body(), "hello world");
                        EXPECT_EQ(announcedLength(p), 11u);
                      });
}

TEST(ResponseCodecTest, ChunkedResponseInPiecesOfEverySize) {
  inPiecesOfEverySize(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
      [](const ResponseParser& p) {
        EXPECT_EQ(p.get().body(), "hello world");
        EXPECT_FALSE(announcedLength(p)) << "a chunked response declares no length";
      });
}

TEST(ResponseCodecTest, BodyUntilTheConnectionEndsIsCompleteOnlyAtTheEnd) {
  auto p = parser();
  beast::flat_buffer buf;
  ASSERT_FALSE(feed(*p, buf, "HTTP/1.1 200 OK\r\n\r\npart one, ", 7));
  ASSERT_FALSE(feed(*p, buf, "part two", 3));
  EXPECT_TRUE(p->is_header_done());
  EXPECT_FALSE(p->is_done());
  beast::error_code ec;
  p->put_eof(ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(p->is_done());
  EXPECT_EQ(p->get().body(), "part one, part two");
}

TEST(ResponseCodecTest, EndBeforeTheDeclaredLengthIsAPartialMessage) {
  auto p = parser();
  beast::flat_buffer buf;
  ASSERT_FALSE(feed(*p, buf, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 4));
  beast::error_code ec;
  p->put_eof(ec);
  EXPECT_EQ(ec, bhttp::error::partial_message);
}

TEST(ResponseCodecTest, BytesAfterACompleteResponseStayBuffered) {
  const std::string second = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB";
  auto p = parser();
  beast::flat_buffer buf;
  append(buf, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA" + second);
  ASSERT_FALSE(parseBuffered(buf, *p));
  ASSERT_TRUE(p->is_done());
  EXPECT_EQ(p->get().body(), "A");
  EXPECT_EQ(beast::buffers_to_string(buf.data()), second) << "the next response is not consumed";
}

TEST(ResponseCodecTest, NoBodyAfterHeadOr204) {
  auto head = makeResponseParser(true, RelayMode::kNone, 1 << 20);
  beast::flat_buffer buf;
  append(buf, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  ASSERT_FALSE(parseBuffered(buf, *head));
  EXPECT_TRUE(head->is_done()) << "the answer to HEAD ends with its head";
  EXPECT_EQ(announcedLength(*head), 1000u);

  auto noContent = parser();
  beast::flat_buffer buf2;
  append(buf2, "HTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_FALSE(parseBuffered(buf2, *noContent));
  EXPECT_TRUE(noContent->is_done());
}

TEST(ResponseCodecTest, BodyLimitUnlessRelayingAny) {
  const std::string declared = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world";
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
  for (const std::string& wire : {declared, chunked}) {
    auto limited = parser(RelayMode::kNone, 10);
    beast::flat_buffer buf;
    EXPECT_EQ(feed(*limited, buf, wire, 5), bhttp::error::body_limit) << wire;
    auto sized = parser(RelayMode::kSized, 10);
    beast::flat_buffer buf2;
    EXPECT_EQ(feed(*sized, buf2, wire, 5), bhttp::error::body_limit) << wire;
    auto any = parser(RelayMode::kAny, 10);
    beast::flat_buffer buf3;
    EXPECT_FALSE(feed(*any, buf3, wire, 5)) << wire;
    EXPECT_EQ(any->get().body(), "hello world");
  }
}

TEST(ResponseCodecTest, HeadLimit) {
  auto p = parser();
  beast::flat_buffer buf;
  std::string wire = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'x') + "\r\n\r\n";
  EXPECT_EQ(feed(*p, buf, wire, 4096), bhttp::error::header_limit);
}

TEST(ResponseCodecTest, MalformedResponsesAreErrors) {
  for (std::string_view wire :
       {"HTTP/1.1 2x0 OK\r\n\r\n", "SMTP ready\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    auto p = parser();
    beast::flat_buffer buf;
    EXPECT_TRUE(feed(*p, buf, wire, 3)) << wire;
  }
}

TEST(ResponseCodecTest, RelayDecision) {
  const std::string big = "HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\nstart";
  const std::string small = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nstart";
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nstart\r\n";
  auto decide = [](const std::string& wire, RelayMode relay) {
    auto p = makeResponseParser(false, relay, 1 << 20);
    beast::flat_buffer buf;
    EXPECT_FALSE(feed(*p, buf, wire, wire.size()));
    return relayNow(*p, relay);
  };
  for (const std::string* wire : {&big, &small, &chunked}) {
    EXPECT_FALSE(decide(*wire, RelayMode::kNone)) << *wire;
    EXPECT_TRUE(decide(*wire, RelayMode::kAny)) << *wire;
  }
  EXPECT_TRUE(decide(big, RelayMode::kSized)) << "a large declared body is relayed";
  EXPECT_FALSE(decide(small, RelayMode::kSized)) << "a small one is read whole";
  EXPECT_FALSE(decide(chunked, RelayMode::kSized)) << "an undeclared length is read whole";
  EXPECT_FALSE(decide("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstart", RelayMode::kAny)) << "complete";
  EXPECT_FALSE(decide("HTTP/1.1 200 OK\r\nContent-Le", RelayMode::kAny)) << "no head yet";
}

}  // namespace
}  // namespace portico::http
