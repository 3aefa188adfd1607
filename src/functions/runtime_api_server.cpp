#include "functions/runtime_api_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "http/message_writer.h"

namespace portico::functions {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using Response = bhttp::response<bhttp::string_body>;

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr std::string_view kAccepted = R"({"status":"OK"})";

Response jsonReply(bhttp::status status, std::string body) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response unknownPath() {
  return jsonReply(bhttp::status::not_found, runtimeErrorBody("InvalidRequest", "Unknown Runtime API path"));
}

/// Whether the read buffer holds the whole head of a next request (a request line, not stray line
/// ends, and the blank line that ends the head).
bool holdsRequestHead(const beast::flat_buffer& buffer) {
  std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
  return !data.empty() && data.front() != '\r' && data.front() != '\n' &&
         data.find("\r\n\r\n") != std::string_view::npos;
}

/// The errorType the runtime gave: its header, else the body's errorType, else "Unhandled".
std::string errorTypeOf(const bhttp::request<bhttp::string_body>& req) {
  std::string type(req["Lambda-Runtime-Function-Error-Type"]);
  if (!type.empty()) return type;
  boost::system::error_code ec;
  auto v = boost::json::parse(req.body(), ec);
  if (!ec && v.is_object()) {
    if (auto* t = v.get_object().if_contains("errorType"); t && t->is_string()) return std::string(t->get_string());
  }
  return "Unhandled";
}

/// POST .../invocation/<id>/response in the streaming response mode.
bool isStreamedResponse(const bhttp::request<bhttp::string_body>& req) {
  std::string_view target = req.target();
  if (req.method() != bhttp::verb::post || !target.starts_with(kPrefix)) return false;
  std::string_view rest = target.substr(kPrefix.size());
  if (!rest.starts_with("invocation/") || !rest.ends_with("/response") || rest.size() <= 11 + 9) return false;
  std::string_view mode = req["Lambda-Runtime-Function-Response-Mode"];
  return mode.size() == 9 && (mode[0] == 's' || mode[0] == 'S') && mode.substr(1) == "treaming";
}

Response eventReply(const RuntimeEvent& event) {
  Response res = jsonReply(bhttp::status::ok, event.payload);
  res.set("Lambda-Runtime-Aws-Request-Id", event.requestId);
  res.set("Lambda-Runtime-Deadline-Ms", std::to_string(event.deadlineMs));
  res.set("Lambda-Runtime-Invoked-Function-Arn", event.invokedArn);
  res.set("Lambda-Runtime-Trace-Id", event.traceId);
  if (!event.clientContext.empty()) res.set("Lambda-Runtime-Client-Context", event.clientContext);
  return res;
}

Response answerReply(RuntimeApiBackend::Answer answer) {
  switch (answer) {
    case RuntimeApiBackend::Answer::kAccepted:
      return jsonReply(bhttp::status::accepted, std::string(kAccepted));
    case RuntimeApiBackend::Answer::kUnknownRequest:
      return jsonReply(bhttp::status::bad_request, runtimeErrorBody("InvalidRequestID", "Invalid request ID"));
    case RuntimeApiBackend::Answer::kAlreadyAnswered:
      break;
  }
  return jsonReply(bhttp::status::forbidden,
                   runtimeErrorBody("InvalidStateTransition", "Invocation already has a result"));
}

}  // namespace

std::string runtimeErrorBody(std::string_view type, std::string_view message) {
  boost::json::object o;
  o["errorMessage"] = message;
  o["errorType"] = type;
  return boost::json::serialize(o);
}

RuntimeApiServer::RuntimeApiServer(asio::io_context& loop, RuntimeApiBackend& backend)
    : loop_(loop), backend_(backend), acceptor_(loop) {}

Result<std::string> RuntimeApiServer::listenOnLoopback() {
  boost::system::error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ApiError::lambda("ServiceException", 500, "cannot open the Runtime API port: " + ec.message());
  return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

Status RuntimeApiServer::adopt(int listeningFd) {
  boost::system::error_code ec;
  acceptor_.assign(tcp::v4(), listeningFd, ec);
  if (ec) return ApiError::lambda("ServiceException", 500, "cannot take the Runtime API socket: " + ec.message());
  return Ok{};
}

void RuntimeApiServer::start(std::shared_ptr<void> owner) {
  asio::co_spawn(loop_, acceptLoop(std::move(owner)), asio::detached);
}

void RuntimeApiServer::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> RuntimeApiServer::acceptLoop(std::shared_ptr<void> owner) {
  while (!backend_.stopped()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(loop_, serve(std::move(socket), owner), asio::detached);
  }
}

// `owner` lives in the frame: the backend outlives every connection it serves.
asio::awaitable<void> RuntimeApiServer::serve(tcp::socket socket, [[maybe_unused]] std::shared_ptr<void> owner) {
  beast::flat_buffer buffer;
  std::string heldAck;  // a 202 whose write waits for the answer to the request pipelined after it
  while (!backend_.stopped()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResultBytes);
    boost::system::error_code ec;
    co_await bhttp::async_read_header(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    bool streamed = false;
    auto streamAnswer = RuntimeApiBackend::Answer::kAccepted;
    if (!ec && isStreamedResponse(parser.get())) {
      // A streamed response: its pieces go on as they arrive, up to Lambda's 20 MB.
      std::string_view target = parser.get().target();
      std::string id(target.substr(kPrefix.size() + 11, target.size() - kPrefix.size() - 11 - 9));
      auto begun = backend_.beginStream(id, std::string(parser.get()[bhttp::field::content_type]));
      parser.body_limit(kMaxStreamedBytes);
      while (!ec && !parser.is_done()) {
        co_await bhttp::async_read_some(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        std::string& body = parser.get().body();
        if (!body.empty() && begun == RuntimeApiBackend::Answer::kAccepted) backend_.streamPiece(id, std::move(body));
        body.clear();
        while (!ec && begun == RuntimeApiBackend::Answer::kAccepted && backend_.streamFull()) {
          asio::steady_timer pause(loop_, std::chrono::milliseconds(5));  // the reader is behind
          co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
      }
      if (begun == RuntimeApiBackend::Answer::kAccepted) {
        // The trailers (or headers) say whether it failed mid-stream; a cut-off stream failed.
        std::string type(parser.get()["Lambda-Runtime-Function-Error-Type"]);
        std::string errorBody(parser.get()["Lambda-Runtime-Function-Error-Body"]);
        if (ec && type.empty())
          type = ec == bhttp::error::body_limit ? "Function.ResponseSizeTooLarge" : "Runtime.StreamError";
        const bool failed = !type.empty();  // (before `type` moves into the call)
        backend_.endStream(id, failed, std::move(type), std::move(errorBody));
      }
      if (ec) break;
      streamed = true;
      streamAnswer = begun;
    } else if (!ec) {
      co_await bhttp::async_read(socket, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    Response res;
    bool keepAlive = true, terminateAfter = false;
    if (streamed) {
      res = streamAnswer == RuntimeApiBackend::Answer::kAccepted
                ? jsonReply(bhttp::status::accepted, std::string(kAccepted))
                : answerReply(streamAnswer);
      keepAlive = parser.get().keep_alive();
    } else if (ec == bhttp::error::body_limit) {
      // Result too large: the invocation fails with Function.ResponseSizeTooLarge.
      // https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-response
      backend_.resultTooLarge();
      res = jsonReply(bhttp::status::payload_too_large, runtimeErrorBody("RequestEntityTooLarge",
                                                                         "Exceeded maximum allowed payload size "
                                                                         "(6291556 bytes)."));
      keepAlive = false;
    } else if (ec) {
      if (!heldAck.empty()) {  // the pipelined request was bad: the result's 202 still goes out
        auto ack = asio::buffer(heldAck);
        co_await asio::async_write(socket, ack, asio::redirect_error(asio::use_awaitable, ec));
      }
      break;
    } else {
      auto& req = parser.get();
      std::string_view target = req.target();
      std::string_view rest = target.starts_with(kPrefix) ? target.substr(kPrefix.size()) : std::string_view();
      if (req.method() == bhttp::verb::get && rest == "invocation/next") {
        auto next = backend_.next();
        std::optional<RuntimeEvent> event = co_await std::move(next);
        if (!event) break;
        res = eventReply(*event);
      } else if (req.method() == bhttp::verb::post && rest.starts_with("invocation/")) {
        std::string_view tail = rest.substr(11);
        auto slash = tail.find('/');
        std::string_view id = tail.substr(0, slash);
        std::string_view action = slash == std::string_view::npos ? std::string_view() : tail.substr(slash + 1);
        if (action == "response") {
          res = answerReply(backend_.answer(id, false, "", std::move(req.body())));
        } else if (action == "error") {
          std::string type = errorTypeOf(req);
          res = answerReply(backend_.answer(id, true, std::move(type), std::move(req.body())));
        } else {
          res = unknownPath();
        }
      } else if (req.method() == bhttp::verb::post && rest == "init/error") {
        std::string type = errorTypeOf(req);
        std::string body = req.body().empty() ? runtimeErrorBody(type, "Init error") : std::move(req.body());
        backend_.initFailed(std::move(type), std::move(body));
        res = jsonReply(bhttp::status::accepted, std::string(kAccepted));
        terminateAfter = true;  // a failed init is never handed another invocation
      } else {
        res = unknownPath();
      }
      keepAlive = req.keep_alive();
    }
    res.keep_alive(keepAlive);
    if (res.result() == bhttp::status::accepted && keepAlive && !terminateAfter && heldAck.empty() &&
        holdsRequestHead(buffer)) {
      // The runtime sent its next request along with this one (pipelined): it reads this 202 only
      // on its way to that request's answer, so the two go out in one write and the runtime wakes
      // once per invocation instead of twice (once more for the 202 alone, on the same CPU as the
      // caller it would delay). Only a whole request head counts: stray or partial bytes might
      // never be followed by more, and the runtime would wait for its 202 for ever.
      heldAck = http::serializeHead(res) + res.body();
      continue;
    }
    if (!heldAck.empty()) {
      std::string out = std::move(heldAck);
      heldAck.clear();
      out += http::serializeHead(res);  // every reply is prepared by jsonReply (Content-Length set)
      out += res.body();
      auto both = asio::buffer(out);
      co_await asio::async_write(socket, both, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      if (!backend_.invocationPending()) {
        // The invocation just ended: let its caller answer first (the runtime's acknowledgement is
        // not on anybody's critical path; the client's response is).
        co_await asio::post(loop_, asio::use_awaitable);
      }
      co_await bhttp::async_write(socket, res, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (terminateAfter) backend_.terminate();
    if (ec || !keepAlive) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace portico::functions
