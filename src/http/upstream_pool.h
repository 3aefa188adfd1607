// UpstreamPool: an HTTP/1.1 client with keep-alive connection reuse, one per worker.
//
// Each worker event loop owns one pool (indexed by ConnectionInfo::workerIndex), so
// no locks: a pool must only be used from its own loop. Idle connections are kept
// per host:port and reused; a reused connection that turns out to be closed by the
// peer is retried once on a fresh connection. A response whose body is still arriving once its
// head is in may be handed back with the rest as a BodyStream (RelayMode), which keeps the
// connection until the body ends and then returns it to the pool. Responses are parsed by
// response_codec.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "http/body_stream.h"
#include "http/handler.h"
#include "http/response_codec.h"  // RelayMode

namespace portico::http {

struct UpstreamTarget {
  std::string host;
  unsigned short port = 80;
  bool tls = false;  // https: the peer's certificate is verified against the system's CAs and the host name
  /// https: the client certificate to present (a stage's clientCertificateId), PEM; borrowed for the
  /// call. Pooled connections are kept apart by the id, so two identities never share one.
  std::string clientCertificateId;
  std::string_view clientCertificatePem, clientKeyPem;
};

enum class UpstreamErrorKind { kTimeout, kConnect, kProtocol, kTooLarge };

/// Why an exchange failed.
struct UpstreamError {
  UpstreamErrorKind kind = UpstreamErrorKind::kConnect;
  std::string detail;  // for logs
};

/// What the upstream answered.
struct UpstreamResponse {
  Response response;                 // the head, and the body (all of it unless relayed)
  std::unique_ptr<BodyStream> rest;  // the body still to come, when relayed (next() must run on the pool's loop)
};

using UpstreamOutcome = Result<UpstreamResponse, UpstreamError>;

class UpstreamPool {
 public:
  explicit UpstreamPool(boost::asio::io_context& ioc, std::size_t maxIdlePerHost = 64,
                        std::size_t maxResponseBytes = 10 * 1024 * 1024);
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  /// Sends req (its target, headers and body as given; Host is set by the caller) to target and
  /// reads the response within timeout: whole, or its head and the rest as a stream (see RelayMode),
  /// whose every read then gets `timeout` again. maxResponseBytes: a tighter bound than the pool's
  /// on a body read whole for this request (0: the pool's); a larger body is kTooLarge.
  boost::asio::awaitable<UpstreamOutcome> send(const UpstreamTarget& target, Request& req,
                                               std::chrono::milliseconds timeout, RelayMode relay = RelayMode::kNone,
                                               std::size_t maxResponseBytes = 0);
  /// The loop the pool belongs to (the only one it may be used from).
  boost::asio::io_context::executor_type executor() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace portico::http
