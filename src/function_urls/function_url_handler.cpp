#include "function_urls/function_url_handler.h"

#include <spdlog/spdlog.h>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "function_urls/url_cors.h"
#include "function_urls/url_event.h"
#include "functions/response_stream.h"

namespace portico::function_urls {
namespace http_ = boost::beast::http;
namespace bj = boost::json;

namespace {

constexpr std::string_view kPathPrefix = "/lambda-url/";
constexpr std::size_t kMaxRequestBytes = 6 * 1024 * 1024;  // Lambda's synchronous payload limit

http::Response message(http_::status status, std::string_view text, const std::string& requestId) {
  http::Response res{status, 11};
  res.set(http_::field::content_type, "application/json");
  res.set("x-amzn-RequestId", requestId);
  res.body() = boost::json::serialize(boost::json::object{{"Message", text}});
  res.prepare_payload();
  return res;
}

constexpr std::string_view kHttpIntegration = "application/vnd.awslambda.http-integration-response";
constexpr std::size_t kMaxPreludeBytes = 64 * 1024;

/// The rest of a streamed response's body: what came with the prelude, then the stream's pieces.
/// A stream that ends with an error cuts the client's connection (the status is long sent).
class UrlStreamBody final : public http::BodyStream {
 public:
  UrlStreamBody(std::shared_ptr<functions::ResponseStream> stream, std::string first)
      : stream_(std::move(stream)), first_(std::move(first)) {}
  ~UrlStreamBody() override { stream_->abandon(); }  // (the client may have gone mid-stream)
  UrlStreamBody(const UrlStreamBody&) = delete;
  UrlStreamBody& operator=(const UrlStreamBody&) = delete;
  std::optional<std::uint64_t> declaredLength() const override { return std::nullopt; }
  boost::asio::awaitable<boost::system::error_code> next(std::string& out) override {
    out.clear();
    if (!first_.empty()) {
      out = std::move(first_);
      first_.clear();
      co_return boost::system::error_code{};
    }
    auto piece = co_await stream_->next();
    if (piece) {
      out = std::move(*piece);
    } else if (stream_->error()) {
      co_return boost::asio::error::connection_aborted;
    }
    co_return boost::system::error_code{};
  }

 private:
  std::shared_ptr<functions::ResponseStream> stream_;
  std::string first_;
};

}  // namespace

boost::asio::awaitable<http::Reply> FunctionUrlHandler::serveStreaming(const http::Request& req,
                                                                       const FunctionUrlConfig& config,
                                                                       functions::InvokeRequest invoke,
                                                                       const std::string& requestId) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto stream = std::make_shared<functions::ResponseStream>(executor);
  invoke.stream = stream;
  auto outcome = std::make_shared<std::optional<Result<functions::InvokeResult>>>();
  functions::Invoker& invoker = invoker_;
  boost::asio::co_spawn(
      executor,
      [&invoker, invoke = std::move(invoke), stream, outcome]() mutable -> boost::asio::awaitable<void> {
        auto r = co_await invoker.invoke(std::move(invoke));
        std::optional<functions::StreamError> error;
        if (!r) error = functions::StreamError{r.error().type, r.error().message};
        if (r && !r->functionError.empty()) error = functions::StreamError{"Unhandled", "function error"};
        *outcome = std::move(r);
        stream->close(std::move(error));
      },
      boost::asio::detached);
  co_await stream->started();
  if (!stream->streaming()) {  // it answered as a buffered function does
    Result<functions::InvokeResult>& r = **outcome;
    if (!r) {
      if (r.error().status == 429) co_return message(http_::status::too_many_requests, "Rate Exceeded.", requestId);
      co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
    }
    std::optional<http::Response> res;
    if (r->functionError.empty()) res = urlResponse(r->payload);
    if (!res) co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
    if (config.cors) applyCors(*config.cors, req, *res);
    res->set("x-amzn-RequestId", requestId);
    co_return std::move(*res);
  }
  http::Response res{http_::status::ok, 11};
  std::string first;
  if (stream->contentType() == kHttpIntegration) {
    // The prelude (JSON: statusCode, headers, cookies) up to eight NUL bytes, then the body.
    std::string prelude;
    std::size_t at = std::string::npos;
    while (at == std::string::npos) {
      auto piece = co_await stream->next();
      if (!piece) break;
      prelude += *piece;
      at = prelude.find(std::string_view("\0\0\0\0\0\0\0\0", 8));
      if (at == std::string::npos && prelude.size() > kMaxPreludeBytes) break;
    }
    if (at == std::string::npos) {
      stream->abandon();
      co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
    }
    first = prelude.substr(at + 8);
    prelude.resize(at);
    boost::system::error_code ec;
    auto parsed = boost::json::parse(prelude, ec);
    if (ec || !parsed.is_object()) {
      stream->abandon();
      co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
    }
    bj::object head = parsed.get_object();
    if (!head.contains("statusCode")) head["statusCode"] = 200;
    head.erase("body");
    head.erase("isBase64Encoded");
    auto made = urlResponse(boost::json::serialize(head));  // (the status and headers checked as a buffered one's)
    if (!made) {
      stream->abandon();
      co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
    }
    res = std::move(*made);
    res.erase(http_::field::content_length);
    res.body().clear();
  } else {
    res.set(http_::field::content_type, stream->contentType());
  }
  if (config.cors) applyCors(*config.cors, req, res);
  res.set("x-amzn-RequestId", requestId);
  http::Reply reply(std::move(res));
  reply.rest = std::make_unique<UrlStreamBody>(stream, std::move(first));
  co_return reply;
}

std::optional<UrlAddress> parseUrlAddress(std::string_view host, std::string_view target) {
  UrlAddress out;
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  if (q != std::string_view::npos) out.rawQuery = std::string(target.substr(q + 1));
  if (path.starts_with(kPathPrefix)) {
    std::string_view rest = path.substr(kPathPrefix.size());
    auto slash = rest.find('/');
    std::string_view id = rest.substr(0, slash);
    if (!isUrlId(id)) return std::nullopt;
    out.urlId = std::string(id);
    out.rawPath = slash == std::string_view::npos ? std::string("/") : std::string(rest.substr(slash));
    return out;
  }
  std::string_view name =
      host.substr(0, host.rfind(':') == std::string_view::npos || host.ends_with(']') ? host.size() : host.rfind(':'));
  auto dot = name.find(".lambda-url.");
  if (dot == std::string_view::npos) return std::nullopt;
  std::string id(name.substr(0, dot));
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!isUrlId(id)) return std::nullopt;
  out.urlId = std::move(id);
  out.domainName = std::string(name);
  out.rawPath = path.empty() ? std::string("/") : std::string(path);
  return out;
}

FunctionUrlHandler::FunctionUrlHandler(FunctionUrlDirectory& directory, functions::Invoker& invoker,
                                       const auth::CredentialSource& credentials, const Clock& clock,
                                       FunctionUrlOptions options, http::Handler& next)
    : directory_(directory),
      invoker_(invoker),
      credentials_(credentials),
      clock_(clock),
      options_(std::move(options)),
      next_(next) {}

boost::asio::awaitable<http::Reply> FunctionUrlHandler::handle(http::Request& req, const http::ConnectionInfo& conn) {
  auto address = parseUrlAddress(req[http_::field::host], req.target());
  if (!address) co_return co_await next_.handle(req, conn);
  co_return co_await serve(req, conn, *address);
}

boost::asio::awaitable<http::Reply> FunctionUrlHandler::serve(http::Request& req, const http::ConnectionInfo& conn,
                                                              const UrlAddress& address) {
  std::string requestId;
  {
    std::lock_guard lock(idsMu_);
    requestId = ids_.uuid();
  }
  auto config = directory_.find(address.urlId);
  if (!config) co_return message(http_::status::forbidden, "Forbidden", requestId);
  if (config->cors && isPreflight(req)) {
    http::Response res = preflightResponse(*config->cors, req);
    res.set("x-amzn-RequestId", requestId);
    co_return res;
  }
  if (req.body().size() > kMaxRequestBytes) {
    co_return message(http_::status::payload_too_large, "Request must be smaller than 6291456 bytes", requestId);
  }

  UrlRequestFacts facts;
  facts.urlId = address.urlId;
  facts.domainName =
      address.domainName.empty() ? address.urlId + ".lambda-url." + options_.region + ".localhost" : address.domainName;
  facts.rawPath = address.rawPath;
  facts.rawQuery = address.rawQuery;
  facts.sourceIp = conn.peerAddress;
  facts.requestId = requestId;
  facts.time = clock_.now();
  facts.tls = conn.tls;
  const std::string_view host = req[http_::field::host];
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && !host.ends_with(']')) {
    facts.port = std::string(host.substr(colon + 1));
  } else {
    facts.port = conn.tls ? "443" : "80";
  }
  if (config->auth == UrlAuthType::kAwsIam) {
    auth::SigV4Request signed_;
    signed_.method = req.method_string();
    signed_.target = req.target();
    for (const auto& field : req) signed_.headers.emplace_back(field.name_string(), field.value());
    signed_.body = req.body();
    signed_.service = "lambda";
    signed_.region = options_.region;
    auto identity = auth::verifySigV4(signed_, credentials_, clock_, &signingKeys_);
    if (!identity) {
      const bool unsigned_ = identity.error().type == "MissingAuthenticationTokenException";
      co_return message(http_::status::forbidden, unsigned_ ? "Forbidden" : identity.error().message, requestId);
    }
    facts.caller = UrlCaller{identity->accessKeyId, options_.accountId};
  }

  functions::InvokeRequest invoke;
  invoke.function = config->function;
  invoke.qualifier = config->qualifier;
  invoke.payload = urlEvent(req, facts);
  if (config->streaming) {
    auto streamed = co_await serveStreaming(req, *config, std::move(invoke), requestId);
    co_return streamed;
  }
  auto result = co_await invoker_.invoke(std::move(invoke));
  if (!result) {
    const ApiError& e = result.error();
    spdlog::info("function URL {} ({}): invoke refused: {} {}", address.urlId, config->function, e.type, e.message);
    if (e.status == 429) co_return message(http_::status::too_many_requests, "Rate Exceeded.", requestId);
    if (e.status == 413) co_return message(http_::status::payload_too_large, e.message, requestId);
    co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
  }
  std::optional<http::Response> res;
  if (result->functionError.empty()) res = urlResponse(result->payload);
  if (!res) co_return message(http_::status::bad_gateway, "Internal Server Error", requestId);
  if (config->cors) applyCors(*config->cors, req, *res);
  res->set("x-amzn-RequestId", requestId);
  if (req.method() == http_::verb::head) res->body().clear();
  co_return std::move(*res);
}

}  // namespace portico::function_urls
