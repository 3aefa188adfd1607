#include "http/server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <stdexcept>
#include <thread>

namespace portico::http {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

class EchoHandler final : public Handler {
 public:
  asio::awaitable<Reply> handle(Request& req, const ConnectionInfo&) override {
    if (req.target() == "/throw") throw std::runtime_error("handler failure");
    Response res{boost::beast::http::status::ok, 11};
    res.body() = std::string(req.target()) + ":" + req.body();
    res.prepare_payload();
    co_return res;
  }
};

/// Everything the peer sends until it closes (or 3 s pass without data).
std::string readUntilClosed(tcp::socket& s) {
  std::string out;
  char buf[4096];
  timeval tv{3, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec || n == 0) break;
    out.append(buf, n);
  }
  return out;
}

/// A server on a free loopback port, run on a background thread for one test.
struct ServerTest : ::testing::Test {
  EchoHandler handler;
  std::unique_ptr<Server> server;
  std::thread thread;
  unsigned short port = 0;

  void SetUp() override {
    RequestLimits limits;
    limits.headerBytes = 4096;
    limits.headerCount = 20;
    limits.bodyBytes = 1000;
    limits.requestTimeout = std::chrono::milliseconds(2000);
    server = std::make_unique<Server>(std::vector<ListenerSpec>{{"test", "127.0.0.1", 0, &handler, limits}}, 2);
    port = server->bind()[0].port();
    thread = std::thread([this] { server->run(); });
  }
  void TearDown() override {
    server->stopGracefully(std::chrono::milliseconds(1000));
    thread.join();
  }

  /// Sends raw bytes, reads until the server closes (or 3 s pass), returns everything read.
  std::string exchange(const std::string& raw, bool halfClose = true) {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(s, asio::buffer(raw));
    if (halfClose) s.shutdown(tcp::socket::shutdown_send);
    return readUntilClosed(s);
  }
};

TEST_F(ServerTest, KeepAliveAndPipelining) {
  std::string out = exchange(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz"
      "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("/a:"), std::string::npos);
  EXPECT_NE(out.find("/b:xyz"), std::string::npos);
  EXPECT_NE(out.find("/c:"), std::string::npos);
  EXPECT_LT(out.find("/a:"), out.find("/b:xyz"));
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  std::string out = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'));
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  std::string chunk = std::string(900, 'a');
  std::string out = exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n384\r\n" + chunk +
                             "\r\n384\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
}

TEST_F(ServerTest, HeaderBlockOverLimitIs431) {
  std::string out = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out;
}

TEST_F(ServerTest, TooManyHeadersIs431) {
  std::string headers;
  for (int i = 0; i < 30; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
  std::string out = exchange("GET / HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out;
}

TEST_F(ServerTest, ContentLengthWithTransferEncodingIs400) {
  std::string out = exchange(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_EQ(out.find("abc"), std::string::npos) << "the body must not be served: " << out;
}

TEST_F(ServerTest, DifferingContentLengthsAre400) {
  std::string out = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
}

TEST_F(ServerTest, BadChunkSizeIs400) {
  std::string out = exchange("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
}

TEST_F(ServerTest, GarbageIs400AndServerSurvives) {
  std::string out = exchange("\x01\x02 garbage\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_NE(exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").find("/ok:"), std::string::npos);
}

/// The x-amzn-RequestId of the first response in out ("" if none).
std::string requestIdOf(const std::string& out) {
  const std::string head = out.substr(0, out.find("\r\n\r\n"));
  const std::string name = "\r\nx-amzn-RequestId: ";
  const auto at = head.find(name);
  if (at == std::string::npos) return {};
  return head.substr(at + name.size(), head.find("\r\n", at + name.size()) - at - name.size());
}

TEST_F(ServerTest, RepliesTheServerMakesItselfCarryARequestId) {
  std::vector<std::string> ids;
  for (const std::string& raw :
       {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'),  // 413
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n",           // 431
        std::string("\x01\x02 garbage\r\n\r\n"),                                                // 400
        std::string("GET /throw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")}) {          // 500
    const std::string out = exchange(raw);
    const std::string id = requestIdOf(out);
    ASSERT_EQ(id.size(), 36u) << out;
    EXPECT_EQ(id[14], '4') << id;
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "each reply has its own id";
}

}  // namespace
}  // namespace portico::http

namespace portico::http {
namespace {

/// A client that sends a request in pieces, pausing between them, then reads the answer.
std::string sendInPieces(unsigned short port, const std::vector<std::string>& pieces,
                         std::chrono::milliseconds pause = std::chrono::milliseconds(30)) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  s.set_option(tcp::no_delay(true));
  for (const auto& piece : pieces) {
    asio::write(s, asio::buffer(piece));
    std::this_thread::sleep_for(pause);
  }
  return readUntilClosed(s);
}

TEST_F(ServerTest, RequestArrivingInPiecesIsReassembled) {
  std::string out = sendInPieces(port, {"PO", "ST /split HTTP/1.1\r\nHo", "st: x\r\nContent-Le", "ngth: 6\r\n",
                                        "Connection: close\r\n\r\nab", "cd", "ef"});
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
  EXPECT_NE(out.find("/split:abcdef"), std::string::npos) << out;
  out =
      sendInPieces(port, {"POST /chunks HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
                          "3\r\nabc\r\n", "2\r", "\nde\r\n0\r\n", "\r\n"});
  EXPECT_NE(out.find("/chunks:abcde"), std::string::npos) << out;
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  std::string out = sendInPieces(port, {"POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
                                        "Connection: close\r\n\r\n",
                                        "ok"});
  EXPECT_EQ(out.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200", 0), 0u) << out;
  EXPECT_NE(out.find("/c:ok"), std::string::npos) << out;
}

TEST_F(ServerTest, ClientHangingUpMidRequestGetsNoAnswer) {
  std::string out = exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(out, "");
  out = exchange("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(out.find("/after:"), std::string::npos) << "the server is still serving: " << out;
}

}  // namespace
}  // namespace portico::http
