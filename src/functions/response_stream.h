// ResponseStream: a function's response while it streams (the Runtime API's response mode
// "streaming", which awslambda.streamifyResponse and custom runtimes use), from the environment's
// loop to the one relaying it to a client (InvokeWithResponseStream, a RESPONSE_STREAM function
// URL). Pieces are queued under a mutex and the reader, on its own single-threaded loop, is woken
// there. The queue is bounded (kMaxQueuedBytes): the Runtime API stops reading the runtime's
// body while it is full, so a slow client slows the function instead of filling Portico.
//
// Three parties: the environment begin()s, push()es and end()s it; whoever invoked close()s it
// once the invocation has returned (with how it ended: an API error before anything streamed, or
// the invocation's result); the reader waits for started(), then takes next() pieces until
// nullopt (closed and drained).
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace portico::functions {

/// How a streamed response ended when it did not end well.
struct StreamError {
  std::string errorType;
  std::string errorMessage;
};

class ResponseStream : public std::enable_shared_from_this<ResponseStream> {
 public:
  static constexpr std::size_t kMaxQueuedBytes = 1 << 20;

  /// `reader`: the executor of the loop that reads (a worker loop: single-threaded).
  explicit ResponseStream(boost::asio::any_io_executor reader);

  // -- the runtime (any thread)
  /// The version that runs the invocation (known before anything streams).
  void setExecutedVersion(std::string version);
  std::string executedVersion() const;

  // -- the environment (any thread)
  /// The runtime started streaming, with this Content-Type.
  void begin(std::string contentType);
  void push(std::string piece);
  /// The queue holds kMaxQueuedBytes or more: stop reading the runtime until it drains.
  bool full() const;
  /// The runtime ended its stream (an error: its trailers said so, or it was cut off).
  void end(std::optional<StreamError> error);

  // -- the invoker's owner (any thread)
  /// The invocation returned: no more pieces. `error` when it failed without streaming (an API
  /// error) or the stream ended badly; `logTail` for InvokeComplete.
  void close(std::optional<StreamError> error, std::string logTail = {});

  // -- the reader (on its loop)
  /// Waits until the runtime began streaming or the invocation closed without doing so.
  boost::asio::awaitable<void> started();
  bool streaming() const;
  std::string contentType() const;
  /// The next piece; nullopt once closed and drained.
  boost::asio::awaitable<std::optional<std::string>> next();
  /// Nobody will read any more (the client went away, the reply was refused): what is queued is
  /// dropped and further pieces are discarded, so the function is never held back by it.
  void abandon();
  /// How it ended (valid once next() gave nullopt, or closed).
  std::optional<StreamError> error() const;
  std::string logTail() const;

 private:
  void wake();
  boost::asio::awaitable<void> waitForChange();

  mutable std::mutex mu_;
  std::deque<std::string> pieces_;
  std::size_t queued_ = 0;
  bool begun_ = false;
  bool ended_ = false;
  bool closed_ = false;
  bool abandoned_ = false;
  std::string contentType_;
  std::optional<StreamError> error_;
  std::string logTail_;
  std::string executedVersion_;
  boost::asio::steady_timer wake_;  // on the reader's executor
};

}  // namespace portico::functions
