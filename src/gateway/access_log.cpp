#include "gateway/access_log.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <set>
#include <utility>

namespace portico::gateway {
namespace bj = boost::json;
namespace {

constexpr std::string_view kPrefix = "$context.";
constexpr std::chrono::milliseconds kBatchWindow{20};

/// The first names of what $context holds: buildTemplateContext's, and what only access logs see.
bool knownVariable(std::string_view path) {
  static const std::set<std::string, std::less<>> kTop = {"accountId",
                                                          "apiId",
                                                          "authorizer",
                                                          "awsEndpointRequestId",
                                                          "awsEndpointRequestId2",
                                                          "customDomain",
                                                          "deploymentId",
                                                          "domainName",
                                                          "domainPrefix",
                                                          "error",
                                                          "extendedRequestId",
                                                          "httpMethod",
                                                          "identity",
                                                          "integration",
                                                          "integrationLatency",
                                                          "integrationStatus",
                                                          "isCanaryRequest",
                                                          "path",
                                                          "protocol",
                                                          "requestId",
                                                          "requestTime",
                                                          "requestTimeEpoch",
                                                          "resourceId",
                                                          "resourcePath",
                                                          "responseLatency",
                                                          "responseLength",
                                                          "stage",
                                                          "status",
                                                          "wafResponseCode",
                                                          "webaclArn",
                                                          "authorize",
                                                          "authenticate",
                                                          "xrayTraceId"};
  return kTop.contains(path.substr(0, path.find('.')));
}

AccessLogVariable variableOf(std::string_view path) {
  using V = AccessLogVariable;
  static const std::pair<std::string_view, V> kKnown[] = {{"requestId", V::kRequestId},
                                                          {"extendedRequestId", V::kExtendedRequestId},
                                                          {"identity.sourceIp", V::kSourceIp},
                                                          {"httpMethod", V::kHttpMethod},
                                                          {"resourcePath", V::kResourcePath},
                                                          {"protocol", V::kProtocol},
                                                          {"stage", V::kStage},
                                                          {"apiId", V::kApiId},
                                                          {"isCanaryRequest", V::kIsCanaryRequest},
                                                          {"status", V::kStatus},
                                                          {"requestTime", V::kRequestTime},
                                                          {"requestTimeEpoch", V::kRequestTimeEpoch},
                                                          {"responseLength", V::kResponseLength},
                                                          {"responseLatency", V::kResponseLatency},
                                                          {"identity.caller", V::kCaller},
                                                          {"identity.user", V::kUser}};
  for (const auto& [name, v] : kKnown) {
    if (name == path) return v;
  }
  return V::kOther;
}

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

ApiError invalid(std::string why) {
  return ApiError::badRequest("Invalid access log format: " + std::move(why));
}

const bj::value* lookup(const bj::object& context, std::string_view path) {
  const bj::object* at = &context;
  const bj::value* v = nullptr;
  while (true) {
    const std::size_t dot = path.find('.');
    v = at->if_contains(path.substr(0, dot));
    if (!v || dot == std::string_view::npos) return v;
    if (!v->is_object()) return nullptr;
    at = &v->get_object();
    path.remove_prefix(dot + 1);
  }
}

}  // namespace

Result<AccessLogFormat> AccessLogFormat::compile(std::string_view format) {
  if (format.size() > kMaxAccessLogFormatBytes) {
    return invalid("longer than " + std::to_string(kMaxAccessLogFormatBytes) + " characters");
  }
  if (format.find_first_of("\r\n") != std::string_view::npos) return invalid("it must be a single line");
  AccessLogFormat out;
  bool hasId = false;
  std::string literal;
  for (std::size_t i = 0; i < format.size();) {
    if (format[i] != '$') {
      literal += format[i++];
      continue;
    }
    if (format.substr(i, kPrefix.size()) != kPrefix) {
      return invalid("only $context variables are allowed, at \"" + std::string(format.substr(i, 30)) + "\"");
    }
    std::size_t end = i + kPrefix.size();
    while (end < format.size() &&
           (nameChar(format[end]) || (format[end] == '.' && end + 1 < format.size() && nameChar(format[end + 1])))) {
      ++end;
    }
    const std::string path(format.substr(i + kPrefix.size(), end - i - kPrefix.size()));
    if (path.empty() || !knownVariable(path)) {
      return invalid("$context." + path.substr(0, 100) + " is not a $context variable");
    }
    if (path == "requestId" || path == "extendedRequestId") hasId = true;
    if (!literal.empty()) out.segments_.push_back({std::move(literal), false});
    literal.clear();
    out.segments_.push_back({path, true, variableOf(path)});
    i = end;
  }
  if (!literal.empty()) out.segments_.push_back({std::move(literal), false});
  if (!hasId) return invalid("it must contain $context.requestId or $context.extendedRequestId");
  return out;
}

void AccessLogFormat::appendSanitized(std::string& out, std::string_view value) {
  const std::size_t at = out.size();
  out += value;
  for (std::size_t i = at; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x20 || c == 0x7f) out[i] = ' ';
  }
}

std::string AccessLogFormat::render(const bj::object& context) const {
  return render([&context](AccessLogVariable, std::string_view path, std::string& out) {
    return appendFrom(context, path, out);
  });
}

bool AccessLogFormat::appendFrom(const bj::object& context, std::string_view path, std::string& out) {
  const bj::value* v = lookup(context, path);
  if (!v || v->is_null()) return false;
  if (v->is_string()) {
    out += v->get_string();
  } else {
    out += bj::serialize(*v);
  }
  return true;
}

QueuedAccessLog::QueuedAccessLog(int fd, bool ownsFd, std::size_t capacity)
    : fd_(fd), ownsFd_(ownsFd), capacity_(capacity), writer_([this] { run(); }) {}

QueuedAccessLog::~QueuedAccessLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (ownsFd_) ::close(fd_);
  if (const auto lost = dropped())
    spdlog::warn("access log: {} line(s) dropped (the queue was full or writes failed)", lost);
}

void QueuedAccessLog::write(std::string_view line) {
  bool wasEmpty = false;
  {
    std::lock_guard lock(mu_);
    if (queuedLines_ >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    wasEmpty = queuedLines_ == 0;
    queued_ += line;
    queued_ += '\n';
    ++queuedLines_;
  }
  if (wasEmpty) wake_.notify_one();  // the writer sleeps only on an empty queue: one wake per batch
}

void QueuedAccessLog::run() {
  std::string chunk;  // the batch being written; swapped with the queue's buffer (both keep their capacity)
  std::size_t lines = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || queuedLines_ > 0; });
      if (queuedLines_ == 0 && stopping_) return;
      // Lines come in bursts: gather a batch (one write for many lines), unless stopping.
      wake_.wait_for(lock, kBatchWindow, [this] { return stopping_ || queuedLines_ >= capacity_ / 2; });
      chunk.clear();
      chunk.swap(queued_);
      lines = std::exchange(queuedLines_, 0);
    }
    const char* p = chunk.data();
    std::size_t left = chunk.size();
    bool failed = false;
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failed = true;  // a full disk, a closed pipe: the lines are lost, the data plane goes on
        break;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    (failed ? dropped_ : written_).fetch_add(lines, std::memory_order_relaxed);
  }
}

}  // namespace portico::gateway
