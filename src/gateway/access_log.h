// Access logs: a stage's accessLogSettings.format compiled once per deploy ($context variables in
// literal text: the console's CLF, JSON, XML and CSV presets among them) and rendered per request
// from that request's $context; the lines go to an AccessLogSink off the worker's path: a bounded
// queue that a writer thread drains to a file or stdout, dropping (and counting) a line rather than
// making a request wait.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
#pragma once
#include <atomic>
#include <boost/json/object.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"

namespace portico::gateway {

/// Portico's bound on a format (AWS documents none; a line is rendered for every request).
inline constexpr std::size_t kMaxAccessLogFormatBytes = 4096;

/// The $context variables a data-plane request answers without building the whole $context (what
/// the console's presets use), recognised once when the format is compiled; kOther: the rest.
enum class AccessLogVariable : std::uint8_t {
  kOther,
  kRequestId,
  kExtendedRequestId,
  kSourceIp,
  kHttpMethod,
  kResourcePath,
  kProtocol,
  kStage,
  kApiId,
  kIsCanaryRequest,
  kStatus,
  kRequestTime,
  kRequestTimeEpoch,
  kResponseLength,
  kResponseLatency,
  kCaller,
  kUser,
};

class AccessLogFormat {
 public:
  /// The format, or AWS's 400: more than one line, a variable that is not a $context one or that
  /// $context does not have, no $context.requestId or $context.extendedRequestId, too long.
  static Result<AccessLogFormat> compile(std::string_view format);

  /// One line (no newline) for a request, each variable's value appended to `out` by
  /// `lookup(variable, path, out)` (which one it is, its dotted path under $context; false when
  /// the request has none): a
  /// missing or empty value is "-", control characters in values become spaces. A template, so
  /// the data plane's lookup is inlined (no std::function, no allocation for it per request).
  template <class Lookup>
  std::string render(const Lookup& lookup) const {
    std::string out;
    renderInto(lookup, out);
    return out;
  }
  /// render, appended to `out` (a caller's reused buffer: no allocation once it has grown).
  template <class Lookup>
  void renderInto(const Lookup& lookup, std::string& out) const {
    thread_local std::string value;  // scratch for one value at a time
    for (const auto& s : segments_) {
      if (!s.variable) {
        out += s.text;
        continue;
      }
      value.clear();
      if (!lookup(s.known, std::string_view(s.text), value) || value.empty()) {
        out += '-';
      } else {
        appendSanitized(out, value);
      }
    }
  }
  /// The same, with the values read off a $context object (buildTemplateContext's).
  std::string render(const boost::json::object& context) const;
  /// The value at a dotted path of a $context object, appended as render writes it.
  static bool appendFrom(const boost::json::object& context, std::string_view path, std::string& out);

 private:
  /// Appends value with its control characters as spaces.
  static void appendSanitized(std::string& out, std::string_view value);

  struct Segment {
    std::string text;  // literal text, or the dotted path of a variable under $context
    bool variable = false;
    AccessLogVariable known = AccessLogVariable::kOther;
  };
  std::vector<Segment> segments_;
};

/// Where rendered lines go. write never blocks on I/O.
class AccessLogSink {
 public:
  virtual ~AccessLogSink() = default;
  virtual void write(std::string_view line) = 0;
};

/// Lines appended to a file descriptor by a writer thread, through a queue of at most `capacity`
/// lines: when it is full (a slow or full disk), a line is dropped and counted. The queue is one
/// buffer the lines are copied into (the writer swaps it out whole), so a line costs its writer
/// no allocation and the writer thread frees nothing the workers allocated. The destructor writes
/// what is queued and joins. Owns fd when ownsFd.
class QueuedAccessLog final : public AccessLogSink {
 public:
  QueuedAccessLog(int fd, bool ownsFd, std::size_t capacity = 16384);
  ~QueuedAccessLog() override;
  QueuedAccessLog(const QueuedAccessLog&) = delete;
  QueuedAccessLog& operator=(const QueuedAccessLog&) = delete;

  void write(std::string_view line) override;
  /// Lines dropped so far: the queue was full, or the write failed.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  /// Lines written so far.
  std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }

 private:
  void run();

  const int fd_;
  const bool ownsFd_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::string queued_;           // the lines, each with its newline
  std::size_t queuedLines_ = 0;  // how many
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0}, written_{0};
  std::thread writer_;
};

}  // namespace portico::gateway
