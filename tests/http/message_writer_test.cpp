#include "http/message_writer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
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

/// What writeMessage puts on the wire for `res`: written to a loopback socket and read back whole.
std::string wireBytes(Response& res) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::address_v4::loopback(), 0});
  asio::ip::tcp::socket reader(ioc);
  reader.connect(acceptor.local_endpoint());
  boost::beast::tcp_stream writer(acceptor.accept());
  auto written = asio::co_spawn(ioc, writeMessage(writer, res), asio::use_future);
  ioc.run_for(std::chrono::seconds(5));
  EXPECT_FALSE(written.get());
  writer.socket().shutdown(asio::ip::tcp::socket::shutdown_send);
  std::string out;
  boost::system::error_code ec;
  asio::read(reader, asio::dynamic_buffer(out), ec);
  EXPECT_EQ(ec, asio::error::eof);
  return out;
}

TEST(MessageWriterTest, AChunkedMessageIsOneChunkAndTheLast) {
  Response res{bhttp::status::ok, 11};
  res.set(bhttp::field::content_type, "text/plain");
  res.chunked(true);
  res.body() = "hello, world";
  const std::string wire = wireBytes(res);
  EXPECT_EQ(wire,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            "c\r\nhello, world\r\n0\r\n\r\n");
  // What a parser reads back is the message.
  bhttp::response_parser<bhttp::string_body> parser;
  parser.eager(true);
  boost::system::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(wire), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(used, wire.size());
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "hello, world");

  Response empty{bhttp::status::ok, 11};
  empty.chunked(true);
  EXPECT_EQ(wireBytes(empty), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
}

TEST(MessageWriterTest, ASizedMessageIsTheHeadAndTheBody) {
  Response res{bhttp::status::created, 11};
  res.body() = "{}";
  res.prepare_payload();
  EXPECT_EQ(wireBytes(res), "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}");
}

}  // namespace
}  // namespace portico::http
