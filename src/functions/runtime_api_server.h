// RuntimeApiServer: the Lambda Runtime API (2018-06-01) over HTTP/1.1 for one environment's
// runtime: its paths, headers, body limit and replies, and the pipelined write of a result's
// 202 with the next event. What a request means for the invocation in flight is the
// environment's business: it is the RuntimeApiBackend. Lives on the environment's loop.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace portico::functions {

/// What GET .../invocation/next hands the runtime.
struct RuntimeEvent {
  std::string payload;
  std::string requestId;
  std::int64_t deadlineMs = 0;  // epoch milliseconds
  std::string invokedArn;
  std::string traceId;
  std::string clientContext;  // decoded JSON, "" when none
};

/// The environment's side of the Runtime API.
class RuntimeApiBackend {
 public:
  enum class Answer { kAccepted, kUnknownRequest, kAlreadyAnswered };

  virtual ~RuntimeApiBackend() = default;
  /// GET /next: waits for the next invocation. nullopt ends the connection (the environment is
  /// dead, or a newer GET /next superseded this one).
  virtual boost::asio::awaitable<std::optional<RuntimeEvent>> next() = 0;
  /// POST /invocation/<id>/response (errorType empty) or /error.
  virtual Answer answer(std::string_view requestId, bool isError, std::string errorType, std::string body) = 0;
  /// POST /invocation/<id>/response with Lambda-Runtime-Function-Response-Mode: streaming: the
  /// body's pieces follow as they arrive (streamPiece), then endStream (with the error its
  /// trailers gave, if any).
  virtual Answer beginStream(std::string_view requestId, std::string contentType) = 0;
  virtual void streamPiece(std::string_view requestId, std::string piece) = 0;
  /// The reader is behind: stop reading the runtime for a while.
  virtual bool streamFull() const = 0;
  virtual void endStream(std::string_view requestId, bool failed, std::string errorType, std::string errorBody) = 0;
  /// POST /init/error. The server terminates the environment once the runtime has the reply.
  virtual void initFailed(std::string errorType, std::string body) = 0;
  /// The runtime sent a result over the limit.
  virtual void resultTooLarge() = 0;
  /// An invocation is in flight and has no result yet.
  virtual bool invocationPending() const = 0;
  virtual bool stopped() const = 0;
  virtual void terminate() = 0;
};

/// `{"errorMessage": message, "errorType": type}`, the shape of the Runtime API's errors.
std::string runtimeErrorBody(std::string_view type, std::string_view message);

class RuntimeApiServer {
 public:
  static constexpr std::size_t kMaxResultBytes = 6291556;             // what the Runtime API accepts
  static constexpr std::size_t kMaxStreamedBytes = 20 * 1024 * 1024;  // a streamed response (Lambda: 20 MB)

  RuntimeApiServer(boost::asio::io_context& loop, RuntimeApiBackend& backend);

  /// Listens on a free port of the host's loopback; returns "127.0.0.1:<port>".
  Result<std::string> listenOnLoopback();
  /// Listens on a socket made elsewhere (inside the environment's network namespace).
  Status adopt(int listeningFd);
  /// Serves connections until close(); `owner` (the backend's) is kept alive meanwhile.
  void start(std::shared_ptr<void> owner);
  void close();

 private:
  boost::asio::awaitable<void> acceptLoop(std::shared_ptr<void> owner);
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket, std::shared_ptr<void> owner);

  boost::asio::io_context& loop_;
  RuntimeApiBackend& backend_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace portico::functions
