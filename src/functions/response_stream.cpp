#include "functions/response_stream.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace portico::functions {
namespace asio = boost::asio;

ResponseStream::ResponseStream(asio::any_io_executor reader) : wake_(reader) {}

void ResponseStream::wake() {
  // The timer belongs to the reader's loop: cancelled there, never concurrently with its wait.
  asio::post(wake_.get_executor(), [self = shared_from_this()] { self->wake_.cancel(); });
}

void ResponseStream::setExecutedVersion(std::string version) {
  std::lock_guard lock(mu_);
  executedVersion_ = std::move(version);
}

std::string ResponseStream::executedVersion() const {
  std::lock_guard lock(mu_);
  return executedVersion_;
}

void ResponseStream::begin(std::string contentType) {
  {
    std::lock_guard lock(mu_);
    if (begun_ || closed_) return;
    begun_ = true;
    contentType_ = std::move(contentType);
  }
  wake();
}

void ResponseStream::push(std::string piece) {
  if (piece.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (ended_ || closed_ || abandoned_) return;
    queued_ += piece.size();
    pieces_.push_back(std::move(piece));
  }
  wake();
}

bool ResponseStream::full() const {
  std::lock_guard lock(mu_);
  return queued_ >= kMaxQueuedBytes && !closed_ && !abandoned_;
}

void ResponseStream::abandon() {
  std::lock_guard lock(mu_);
  abandoned_ = true;
  pieces_.clear();
  queued_ = 0;
}

void ResponseStream::end(std::optional<StreamError> error) {
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    if (error && !error_) error_ = std::move(error);
  }
  wake();
}

void ResponseStream::close(std::optional<StreamError> error, std::string logTail) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    ended_ = true;
    if (error && !error_) error_ = std::move(error);
    logTail_ = std::move(logTail);
  }
  wake();
}

asio::awaitable<void> ResponseStream::waitForChange() {
  boost::system::error_code ec;
  wake_.expires_at(asio::steady_timer::time_point::max());
  co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> ResponseStream::started() {
  auto self = shared_from_this();
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (begun_ || closed_) co_return;
    }
    co_await waitForChange();
  }
}

bool ResponseStream::streaming() const {
  std::lock_guard lock(mu_);
  return begun_;
}

std::string ResponseStream::contentType() const {
  std::lock_guard lock(mu_);
  return contentType_;
}

asio::awaitable<std::optional<std::string>> ResponseStream::next() {
  auto self = shared_from_this();
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (!pieces_.empty()) {
        std::string piece = std::move(pieces_.front());
        pieces_.pop_front();
        queued_ -= piece.size();
        co_return piece;
      }
      if (closed_) co_return std::nullopt;
    }
    co_await waitForChange();
  }
}

std::optional<StreamError> ResponseStream::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

std::string ResponseStream::logTail() const {
  std::lock_guard lock(mu_);
  return logTail_;
}

}  // namespace portico::functions
