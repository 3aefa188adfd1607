#include "function_urls/function_url_handler.h"

#include <spdlog/spdlog.h>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json/serialize.hpp>

#include "function_urls/url_cors.h"
#include "function_urls/url_event.h"

namespace portico::function_urls {
namespace http_ = boost::beast::http;

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

}  // namespace

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
