// fetchDocument and startFetch: a small GET through the upstream pool, against a server on the
// test's own loop (answers scripted per test; none, for the timeout).
#include "http/fetch_document.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/upstream_pool.h"

namespace portico::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// Answers every connection's first request with `answer` and closes it; an empty answer holds
/// the connection open unanswered. Records each request's head.
class ScriptedServer {
 public:
  ScriptedServer(asio::io_context& ioc, std::string answer)
      : acceptor_(ioc, {asio::ip::address_v4::loopback(), 0}), answer_(std::move(answer)) {
    asio::co_spawn(ioc, serve(), asio::detached);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& target) const { return "http://127.0.0.1:" + std::to_string(port()) + target; }
  std::vector<std::string> heads;

 private:
  asio::awaitable<void> serve() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      std::string in;
      char buf[4096];
      while (in.find("\r\n\r\n") == std::string::npos) {
        auto [rec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
        if (rec) break;
        in.append(buf, n);
      }
      heads.push_back(in);
      if (answer_.empty()) {
        held_.push_back(std::move(socket));
        continue;
      }
      co_await asio::async_write(socket, asio::buffer(answer_), asio::as_tuple(asio::use_awaitable));
      boost::system::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  tcp::acceptor acceptor_;
  std::string answer_;
  std::vector<tcp::socket> held_;
};

/// fetchDocument(url) on a fresh loop with a server answering `answer`; the result (nullopt when
/// it did not finish within 5 s) and the heads the server saw.
struct Fetched {
  std::optional<Result<std::string>> result;
  std::vector<std::string> heads;
};
Fetched fetchFrom(std::string answer, const std::string& target = "/keys.json",
                  std::chrono::milliseconds timeout = 2000ms, std::size_t maxBytes = 100) {
  asio::io_context ioc;
  ScriptedServer server(ioc, std::move(answer));
  UpstreamPool pool(ioc);
  Fetched out;
  const std::string url = server.url(target);
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        Result<std::string> got = co_await fetchDocument(pool, url, timeout, maxBytes);
        out.result.emplace(std::move(got));
        ioc.stop();
      },
      asio::detached);
  ioc.run_for(5s);
  out.heads = server.heads;
  return out;
}

TEST(FetchDocumentTest, BodyOfA200) {
  auto out = fetchFrom("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"keys\": []} ", "/pool/jwks.json?v=1");
  ASSERT_TRUE(out.result);
  ASSERT_TRUE(*out.result) << out.result->error().message;
  EXPECT_EQ(**out.result, "{\"keys\": []} ");
  ASSERT_EQ(out.heads.size(), 1u);
  const std::string& head = out.heads[0];
  EXPECT_EQ(head.rfind("GET /pool/jwks.json?v=1 HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Host: 127.0.0.1:"), std::string::npos) << head;
  EXPECT_NE(head.find("Accept: application/json\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("User-Agent: portico/"), std::string::npos) << head;
}

TEST(FetchDocumentTest, ChunkedBodyOfA200) {
  auto out = fetchFrom("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_TRUE(out.result);
  ASSERT_TRUE(*out.result) << out.result->error().message;
  EXPECT_EQ(**out.result, "abcde");
}

TEST(FetchDocumentTest, AnswerOtherThan200IsAnError) {
  auto out = fetchFrom("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno");
  ASSERT_TRUE(out.result);
  ASSERT_FALSE(*out.result);
  EXPECT_EQ(out.result->error().type, "FetchError");
  EXPECT_NE(out.result->error().message.find("answered 404"), std::string::npos) << out.result->error().message;
}

TEST(FetchDocumentTest, BodyOverTheLimitIsAnError) {
  const std::string body(101, 'x');
  for (const std::string& answer :
       {"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n" + body,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" + body + "\r\n0\r\n\r\n"}) {
    auto out = fetchFrom(answer);
    ASSERT_TRUE(out.result) << answer;
    ASSERT_FALSE(*out.result) << answer;
    EXPECT_NE(out.result->error().message.find("over 100 bytes"), std::string::npos) << out.result->error().message;
  }
  auto exact = fetchFrom("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'));
  ASSERT_TRUE(exact.result);
  EXPECT_TRUE(*exact.result) << "100 bytes is within the limit";
}

TEST(FetchDocumentTest, NoAnswerTimesOut) {
  auto started = std::chrono::steady_clock::now();
  auto out = fetchFrom("", "/slow", 200ms);
  ASSERT_TRUE(out.result) << "the timeout ends the fetch";
  ASSERT_FALSE(*out.result);
  EXPECT_NE(out.result->error().message.find("timed out"), std::string::npos) << out.result->error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(FetchDocumentTest, NotAnHttpUrl) {
  asio::io_context ioc;
  UpstreamPool pool(ioc);
  std::optional<Result<std::string>> got;
  const std::string url = "ftp://example.com/keys.json";
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        Result<std::string> r = co_await fetchDocument(pool, url, 1000ms);
        got.emplace(std::move(r));
      },
      asio::detached);
  ioc.run_for(2s);
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
}

TEST(FetchDocumentTest, StartFetchUsesThePoolOfTheCallingLoopAndReturnsAtOnce) {
  asio::io_context idle, busy;  // only `busy` runs: a fetch on idle's pool would never finish
  ScriptedServer server(busy, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  UpstreamPool idlePool(idle), busyPool(busy);
  const std::vector<UpstreamPool*> pools{&idlePool, &busyPool};
  std::optional<Result<std::string>> got;
  bool returned = false, returnedBeforeDone = false;
  asio::post(busy, [&] {
    startFetch(pools, server.url("/k"), 2000ms, 100, [&](Result<std::string> body) {
      returnedBeforeDone = returned;
      got.emplace(std::move(body));
      busy.stop();
    });
    returned = true;
  });
  busy.run_for(5s);
  ASSERT_TRUE(got) << "the fetch ran on the loop that asked";
  ASSERT_TRUE(*got) << got->error().message;
  EXPECT_EQ(**got, "ok");
  EXPECT_TRUE(returnedBeforeDone) << "startFetch does not wait for the answer";
}

TEST(FetchDocumentTest, StartFetchFromOutsideTheLoopsUsesTheFirstPool) {
  asio::io_context first;
  ScriptedServer server(first, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  UpstreamPool pool(first);
  const std::vector<UpstreamPool*> pools{&pool};
  std::optional<Result<std::string>> got;
  startFetch(pools, server.url("/k"), 2000ms, 100, [&](Result<std::string> body) {
    got.emplace(std::move(body));
    first.stop();
  });
  EXPECT_FALSE(got) << "nothing is done on the calling thread";
  first.run_for(5s);
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got);
  std::optional<Result<std::string>> none;
  startFetch({}, "http://127.0.0.1:9/k", 1000ms, 100, [&](Result<std::string> body) { none.emplace(std::move(body)); });
  ASSERT_TRUE(none) << "no pool: an error at once";
  EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace portico::http
