// Invoker: the one in-process interface for running a function. The Lambda Invoke
// API, the gateway's Lambda integrations and Lambda authorizers all call it; no
// HTTP hop is involved.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace portico::functions {

class ResponseStream;

enum class InvocationType { kRequestResponse, kEvent, kDryRun };

struct InvokeRequest {
  std::string function;   // name, partial or full ARN, optionally with ":qualifier"
  std::string qualifier;  // ?Qualifier=, may be empty
  std::string payload;    // the event (JSON text)
  InvocationType type = InvocationType::kRequestResponse;
  bool tailLog = false;       // X-Amz-Log-Type: Tail
  std::string clientContext;  // X-Amz-Client-Context, base64 JSON (passed to the runtime decoded)
  /// A caller that relays a streamed response as it comes (InvokeWithResponseStream, a
  /// RESPONSE_STREAM function URL) gives its stream here; the result's payload is then empty on
  /// success. Null: a streamed response is gathered into the payload.
  std::shared_ptr<ResponseStream> stream;
};

struct InvokeResult {
  int status = 200;             // 200 sync, 202 Event, 204 DryRun
  std::string payload;          // the function's response, or the error object on a function error
  std::string functionError;    // "" on success, else "Unhandled"
  std::string executedVersion;  // "$LATEST", "1", ...
  std::string logTail;          // the invocation's log (the caller keeps the last 4 KB)
  /// The invocation's request id (what the function saw as its aws_request_id, what its log's
  /// START/END/REPORT lines name; for Event, the id the queued invocation runs with); "" for DryRun.
  std::string requestId;
};

class Invoker {
 public:
  virtual ~Invoker() = default;
  /// Runs (or queues, for Event) an invocation. API errors (not found, throttled, payload too
  /// large) come back as ApiError with Lambda's shape; function errors come back as a result
  /// with functionError set, as AWS reports them.
  virtual boost::asio::awaitable<Result<InvokeResult>> invoke(InvokeRequest request) = 0;
};

}  // namespace portico::functions
