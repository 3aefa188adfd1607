// InvokeWithResponseStream: POST /2021-11-15/functions/{name}/response-streaming-invocations. The
// invocation runs in a coroutine of its own on the caller's loop while the reply relays what the
// function streams (functions/response_stream.h) as PayloadChunk events, then an InvokeComplete
// event (ErrorCode / ErrorDetails / LogResult), in the AWS event stream encoding. A function that
// answers without streaming gets its whole payload as one PayloadChunk.
// https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "common/base64.h"
#include "common/json_util.h"
#include "control/lambda/event_stream.h"
#include "control/lambda/lambda_context.h"
#include "functions/response_stream.h"

namespace portico::control::lambda {
namespace asio = boost::asio;
namespace bj = boost::json;
using boost::beast::http::verb;
namespace {

constexpr std::string_view kEventStream = "application/vnd.amazon.eventstream";

std::string lastBytes(std::string_view log) {
  return base64Encode(log.size() > 4096 ? log.substr(log.size() - 4096) : log);
}

std::string completeEvent(const std::optional<functions::StreamError>& error, std::string_view logTail) {
  bj::object o;
  if (error) {
    o["ErrorCode"] = error->errorType;
    o["ErrorDetails"] = error->errorMessage;
  }
  if (!logTail.empty()) o["LogResult"] = lastBytes(logTail);
  return eventStreamEvent("InvokeComplete", "application/json", bj::serialize(o));
}

/// The reply's body while the function streams: PayloadChunk events, then InvokeComplete.
class EventStreamBody final : public http::BodyStream {
 public:
  explicit EventStreamBody(std::shared_ptr<functions::ResponseStream> stream) : stream_(std::move(stream)) {}
  ~EventStreamBody() override { stream_->abandon(); }  // (the client may have gone mid-stream)
  EventStreamBody(const EventStreamBody&) = delete;
  EventStreamBody& operator=(const EventStreamBody&) = delete;
  std::optional<std::uint64_t> declaredLength() const override { return std::nullopt; }
  asio::awaitable<boost::system::error_code> next(std::string& out) override {
    out.clear();
    if (done_) co_return boost::system::error_code{};
    auto piece = co_await stream_->next();
    if (piece) {
      out = eventStreamEvent("PayloadChunk", "application/octet-stream", *piece);
    } else {
      out = completeEvent(stream_->error(), stream_->logTail());
      done_ = true;
    }
    co_return boost::system::error_code{};
  }

 private:
  std::shared_ptr<functions::ResponseStream> stream_;
  bool done_ = false;
};

/// The error a function answered with, as InvokeComplete words it.
functions::StreamError functionErrorOf(const functions::InvokeResult& r) {
  functions::StreamError e{"Unhandled", ""};
  if (auto parsed = json::parseObject(r.payload)) {
    e.errorType = json::strOr(*parsed, "errorType", "Unhandled");
    e.errorMessage = json::strOr(*parsed, "errorMessage", "");
  }
  return e;
}

asio::awaitable<Result<AdminReply>> invokeStreaming(LambdaContext& ctx, const AdminCall& call) {
  functions::InvokeRequest req;
  req.function = call.params[0];
  req.qualifier = call.queryParam("Qualifier").value_or("");
  req.payload = std::string(call.body);
  const std::string type = call.header("X-Amz-Invocation-Type");
  if (type == "DryRun") {
    req.type = functions::InvocationType::kDryRun;
  } else if (!type.empty() && type != "RequestResponse") {
    co_return validationError("1 validation error detected: Value '" + type.substr(0, 40) +
                              "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value "
                              "set: [RequestResponse, DryRun]");
  }
  req.tailLog = call.header("X-Amz-Log-Type") == "Tail";
  req.clientContext = call.header("X-Amz-Client-Context");
  if (req.type == functions::InvocationType::kDryRun) {
    auto result = co_await ctx.invoker.invoke(std::move(req));
    if (!result) co_return result.takeError();
    AdminReply reply{204, std::nullopt};
    reply.headers.emplace_back("X-Amz-Executed-Version", result->executedVersion);
    co_return reply;
  }

  auto executor = co_await asio::this_coro::executor;
  auto stream = std::make_shared<functions::ResponseStream>(executor);
  req.stream = stream;
  auto outcome = std::make_shared<std::optional<Result<functions::InvokeResult>>>();
  functions::Invoker& invoker = ctx.invoker;
  // The invocation outlives this call once the reply streams; it closes the stream when it returns.
  asio::co_spawn(
      executor,
      [&invoker, req = std::move(req), stream, outcome]() mutable -> asio::awaitable<void> {
        auto r = co_await invoker.invoke(std::move(req));
        std::optional<functions::StreamError> error;
        std::string tail;
        if (!r) {
          error = functions::StreamError{r.error().type, r.error().message};
        } else {
          tail = r->logTail;
          if (!r->functionError.empty() && !stream->streaming()) error = functionErrorOf(*r);
        }
        *outcome = std::move(r);
        stream->close(std::move(error), std::move(tail));
      },
      asio::detached);
  co_await stream->started();

  AdminReply reply;
  reply.status = 200;
  reply.contentType = std::string(kEventStream);
  if (!stream->streaming()) {
    // It answered without streaming (or could not run): all of it now.
    while (!outcome->has_value()) co_await stream->started();  // (closed: the result is in)
    Result<functions::InvokeResult>& r = **outcome;
    if (!r) co_return r.takeError();
    reply.headers.emplace_back("X-Amz-Executed-Version", r->executedVersion);
    std::string body;
    if (r->functionError.empty()) body = eventStreamEvent("PayloadChunk", "application/octet-stream", r->payload);
    body += completeEvent(stream->error(), r->logTail);
    reply.rawBody = std::move(body);
    co_return reply;
  }
  reply.headers.emplace_back("Lambda-Runtime-Function-Response-Mode", "streaming");
  reply.headers.emplace_back("X-Amz-Executed-Version", stream->executedVersion());
  reply.rest = std::make_shared<EventStreamBody>(stream);
  co_return reply;
}

}  // namespace

void registerStreamingInvokeRoutes(RouteTable& routes, LambdaContext& ctx) {
  routes.addAsync(verb::post, "2021-11-15/functions/{}/response-streaming-invocations",
                  [&ctx](const AdminCall& call) { return invokeStreaming(ctx, call); });
}

}  // namespace portico::control::lambda
