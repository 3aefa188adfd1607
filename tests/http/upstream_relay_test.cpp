// Relayed upstream bodies: UpstreamPool hands back a response whose body is still arriving, and
// relayMessage writes it on to a client with the right framing. The upstream is a scripted
// blocking socket server on its own thread that holds part of its answer back until the test
// opens a gate: a relay is proven by getting the first part while the rest is still held.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "http/message_writer.h"
#include "http/upstream_pool.h"

namespace portico::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

/// A one-thread upstream: accepts connections and, for each request head read, runs `script`
/// with a writer for the connection. `connections` counts accepted connections.
class ScriptedUpstream {
 public:
  using Write = std::function<void(std::string_view)>;
  explicit ScriptedUpstream(std::function<bool(const Write&, ScriptedUpstream&)> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~ScriptedUpstream() {
    openGate();
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  int connections() const { return connections_.load(); }

  void openGate() {
    std::lock_guard lock(mu_);
    gateOpen_ = true;
    cv_.notify_all();
  }
  /// Blocks the upstream until the gate opens (at most 5 s); whether it opened.
  bool waitGate() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [this] { return gateOpen_; });
  }

 private:
  void run() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      std::string in;
      char buf[4096];
      bool open = true;
      while (open) {
        while (in.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) {
            open = false;
            break;
          }
          in.append(buf, static_cast<std::size_t>(n));
        }
        if (!open) break;
        in.erase(0, in.find("\r\n\r\n") + 4);
        Write write = [c](std::string_view s) { (void)!::send(c, s.data(), s.size(), MSG_NOSIGNAL); };
        open = script_(write, *this);
      }
      ::close(c);
    }
  }

  std::function<bool(const Write&, ScriptedUpstream&)> script_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool gateOpen_ = false;
};

/// Runs coroutine `body` to completion on a fresh io_context (failing the test after 10 s).
void runAsync(const std::function<asio::awaitable<void>(asio::io_context&)>& body) {
  asio::io_context ioc;
  bool finished = false;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        co_await body(ioc);
        finished = true;
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  ioc.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(finished);
}

Request get(std::string_view target) {
  Request req{boost::beast::http::verb::get, target, 11};
  req.set(boost::beast::http::field::host, "upstream");
  return req;
}

/// Sends GET `path` to the scripted upstream through pool; a failure fails the test (and answers an
/// empty response).
asio::awaitable<UpstreamResponse> fetch(UpstreamPool& pool, const ScriptedUpstream& up, std::string_view path,
                                        RelayMode relay) {
  const UpstreamTarget target{"127.0.0.1", up.port()};  // named: GCC 12 mishandles temporaries in co_await
  Request req = get(path);
  auto out = co_await pool.send(target, req, std::chrono::seconds(5), relay);
  if (!out) {
    ADD_FAILURE() << "GET " << path << ": " << out.error().detail;
    co_return UpstreamResponse{};
  }
  co_return std::move(out).value();
}

/// Appends the relayed body's pieces to body until it holds at least `atLeast` bytes or ends;
/// returns the first error.
asio::awaitable<beast::error_code> readInto(BodyStream& rest, std::string& body, std::size_t atLeast = SIZE_MAX) {
  std::string piece;
  while (body.size() < atLeast) {
    if (auto ec = co_await rest.next(piece)) co_return ec;
    if (piece.empty()) break;
    body += piece;
  }
  co_return beast::error_code{};
}

/// Reads everything from the relay's client end until the peer closes it.
asio::awaitable<std::string> readAll(tcp::socket& socket) {
  std::string out;
  char buf[8192];
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    out.append(buf, n);
    if (ec) co_return out;
  }
}

const auto kChunkedGated = [](const ScriptedUpstream::Write& write, ScriptedUpstream& up) {
  write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
  write(up.waitGate() ? "6\r\nsecond\r\n0\r\n\r\n" : "4\r\nlate\r\n0\r\n\r\n");
  return true;
};

TEST(UpstreamRelayTest, ChunkedBodyComesBackBeforeItEndsAndIsRelayedChunked) {
  ScriptedUpstream up(kChunkedGated);
  runAsync([&](asio::io_context& ioc) -> asio::awaitable<void> {
    UpstreamPool pool(ioc);
    auto out = co_await fetch(pool, up, "/gated", RelayMode::kAny);
    if (!out.rest) {
      ADD_FAILURE() << "the response came back whole";
      co_return;
    }
    EXPECT_FALSE(out.rest->declaredLength().has_value());
    up.openGate();  // the upstream still held "second": the head came back without it

    // Relay to a client over a real socket pair.
    tcp::acceptor acceptor(ioc, {asio::ip::address_v4::loopback(), 0});
    tcp::socket client(ioc);
    co_await client.async_connect(acceptor.local_endpoint(), asio::use_awaitable);
    beast::tcp_stream server(co_await acceptor.async_accept(asio::use_awaitable));
    out.response.chunked(true);
    auto ec = co_await relayMessage(server, out.response, *out.rest, std::chrono::seconds(5));
    EXPECT_FALSE(ec) << ec.message();
    server.socket().shutdown(tcp::socket::shutdown_send);
    std::string wire = co_await readAll(client);
    auto bodyAt = wire.find("\r\n\r\n");
    if (bodyAt == std::string::npos) {
      ADD_FAILURE() << "no head: " << wire;
      co_return;
    }
    EXPECT_NE(wire.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << wire;
    // How the pieces fall into chunks depends on timing: decode them.
    std::string_view rest = std::string_view(wire).substr(bodyAt + 4);
    std::string body;
    bool ended = false;
    while (!rest.empty() && !ended) {
      auto eol = rest.find("\r\n");
      if (eol == std::string_view::npos) break;
      std::size_t size = std::stoul(std::string(rest.substr(0, eol)), nullptr, 16);
      ended = size == 0;
      body += rest.substr(eol + 2, size);
      rest.remove_prefix(eol + 2 + size + 2);
    }
    EXPECT_TRUE(ended && rest.empty()) << wire;
    EXPECT_EQ(body, "firstsecond");
  });
}

TEST(UpstreamRelayTest, SizedModeRelaysOnlyLargeDeclaredBodies) {
  std::string half(100000, 'a');
  ScriptedUpstream up([&](const ScriptedUpstream::Write& write, ScriptedUpstream& upstream) {
    write("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n");
    write(half);
    upstream.waitGate();
    write(std::string(100000, 'b'));
    return true;
  });
  runAsync([&](asio::io_context& ioc) -> asio::awaitable<void> {
    UpstreamPool pool(ioc);
    auto out = co_await fetch(pool, up, "/big", RelayMode::kSized);
    if (!out.rest) {
      ADD_FAILURE() << "a 200000-byte body must be relayed";
      co_return;
    }
    EXPECT_EQ(out.rest->declaredLength(), std::optional<std::uint64_t>(200000));
    std::string body = out.response.body();
    // The first half is readable while the upstream holds the rest back.
    EXPECT_FALSE(co_await readInto(*out.rest, body, 100000));
    EXPECT_EQ(body, half);
    up.openGate();
    EXPECT_FALSE(co_await readInto(*out.rest, body));
    EXPECT_EQ(body.size(), 200000u);
    EXPECT_EQ(body.substr(100000), std::string(100000, 'b'));
  });
}

TEST(UpstreamRelayTest, SmallBodiesComeWholeAndTheConnectionGoesBackToThePool) {
  ScriptedUpstream up([](const ScriptedUpstream::Write& write, ScriptedUpstream&) {
    write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write("3\r\ntwo\r\n0\r\n\r\n");
    return true;
  });
  runAsync([&](asio::io_context& ioc) -> asio::awaitable<void> {
    UpstreamPool pool(ioc);
    // Sized mode: a chunked body is read whole, as AWS's buffering gives it.
    auto whole = co_await fetch(pool, up, "/small", RelayMode::kSized);
    EXPECT_FALSE(whole.rest);
    EXPECT_EQ(whole.response.body(), "onetwo");
    // Any mode: relayed; once read to the end the connection is reused.
    for (int i = 0; i < 3; ++i) {
      auto out = co_await fetch(pool, up, "/small", RelayMode::kAny);
      std::string body = out.response.body();
      if (out.rest) {
        EXPECT_FALSE(co_await readInto(*out.rest, body));
      }
      EXPECT_EQ(body, "onetwo");
    }
    EXPECT_EQ(up.connections(), 1);
  });
}

TEST(UpstreamRelayTest, ABodyCutShortIsAnError) {
  ScriptedUpstream up([](const ScriptedUpstream::Write& write, ScriptedUpstream&) {
    write("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + std::string(150000, 't'));
    return false;  // hang up
  });
  runAsync([&](asio::io_context& ioc) -> asio::awaitable<void> {
    UpstreamPool pool(ioc);
    auto out = co_await fetch(pool, up, "/cut", RelayMode::kAny);
    if (!out.rest) {
      ADD_FAILURE() << "relay expected";
      co_return;
    }
    std::string body = out.response.body();
    EXPECT_TRUE(co_await readInto(*out.rest, body)) << "the end of a short body must not read as its end";
    EXPECT_EQ(body.size(), 150000u);
  });
}

}  // namespace
}  // namespace portico::http
