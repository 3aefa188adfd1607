// ResponseStream: pieces pushed from another thread reach the reader on its own loop in order; the
// queue reports full at its bound; close() after end(error) keeps the stream's error; a stream
// closed without beginning is not streaming.
#include "functions/response_stream.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

namespace portico::functions {
namespace {
namespace asio = boost::asio;

TEST(ResponseStreamTest, PiecesFromAnotherThreadInOrder) {
  asio::io_context loop;
  auto stream = std::make_shared<ResponseStream>(loop.get_executor());
  std::string got;
  bool sawStart = false;
  asio::co_spawn(
      loop,
      [&]() -> asio::awaitable<void> {
        co_await stream->started();
        sawStart = stream->streaming();
        while (auto piece = co_await stream->next()) got += *piece;
      },
      asio::detached);
  std::thread producer([&] {
    stream->begin("text/plain");
    for (int i = 0; i < 100; ++i) stream->push(std::to_string(i) + ",");
    stream->end(StreamError{"Error", "late"});
    stream->close(std::nullopt, "tail");
  });
  loop.run();
  producer.join();
  EXPECT_TRUE(sawStart);
  std::string want;
  for (int i = 0; i < 100; ++i) want += std::to_string(i) + ",";
  EXPECT_EQ(got, want);
  ASSERT_TRUE(stream->error());
  EXPECT_EQ(stream->error()->errorMessage, "late");
  EXPECT_EQ(stream->logTail(), "tail");
  EXPECT_EQ(stream->contentType(), "text/plain");
}

TEST(ResponseStreamTest, BoundedAndClosedWithoutStreaming) {
  asio::io_context loop;
  auto stream = std::make_shared<ResponseStream>(loop.get_executor());
  stream->begin("application/octet-stream");
  stream->push(std::string(ResponseStream::kMaxQueuedBytes - 1, 'x'));
  EXPECT_FALSE(stream->full());
  stream->push("yz");
  EXPECT_TRUE(stream->full());

  auto closed = std::make_shared<ResponseStream>(loop.get_executor());
  closed->close(StreamError{"ResourceNotFoundException", "Function not found"});
  bool done = false;
  asio::co_spawn(
      loop,
      [&]() -> asio::awaitable<void> {
        co_await closed->started();
        EXPECT_FALSE(closed->streaming());
        EXPECT_FALSE(co_await closed->next());
        done = true;
      },
      asio::detached);
  loop.run();
  EXPECT_TRUE(done);
  closed->push("ignored");  // nothing goes in once closed
  EXPECT_EQ(closed->error()->errorType, "ResourceNotFoundException");

  // A reader that went away: what is queued goes, and the function is no longer held back.
  stream->abandon();
  EXPECT_FALSE(stream->full());
  stream->push(std::string(ResponseStream::kMaxQueuedBytes * 2, 'z'));
  EXPECT_FALSE(stream->full());
}

}  // namespace
}  // namespace portico::functions
