// FunctionUrlHandler: the data listener's first handler. A request addressed to a function URL
// (Host "<url-id>.lambda-url.<region>...", or the path "/lambda-url/<url-id>/...") is answered
// here: CORS preflight, AWS_IAM's SigV4 (service "lambda"), the payload format 2.0 event, the
// function's answer as the response. Everything else goes to `next` (API Gateway's data plane).
//
// Errors as Lambda's URL front end answers them: an unknown url id or a refused signature 403
// {"Message":"Forbidden"} (the signature's own message when it is wrong), throttling 429
// {"Message":"Rate Exceeded."}, a body over 6 MB 413, a function error or an answer that makes no
// response 502 {"Message":"Internal Server Error"}.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4_verifier.h"
#include "common/clock.h"
#include "common/id_generator.h"
#include "function_urls/url_directory.h"
#include "functions/invoker.h"
#include "http/handler.h"

namespace portico::function_urls {

/// Where a request is addressed, when it is a function URL's.
struct UrlAddress {
  std::string urlId;
  std::string domainName;  // Host without the port ("" in the path form)
  std::string rawPath;     // starts with '/'
  std::string rawQuery;
};
/// Parses Host + target; nullopt when neither form applies.
std::optional<UrlAddress> parseUrlAddress(std::string_view host, std::string_view target);

struct FunctionUrlOptions {
  std::string region = "us-east-1";
  std::string accountId;
};

class FunctionUrlHandler final : public http::Handler {
 public:
  /// All borrowed.
  FunctionUrlHandler(FunctionUrlDirectory& directory, functions::Invoker& invoker,
                     const auth::CredentialSource& credentials, const Clock& clock, FunctionUrlOptions options,
                     http::Handler& next);

  http::HeadVerdict checkHead(const boost::beast::http::request_header<>& head,
                              const http::ConnectionInfo& conn) override {
    return next_.checkHead(head, conn);
  }
  boost::asio::awaitable<http::Reply> handle(http::Request& req, const http::ConnectionInfo& conn) override;

 private:
  boost::asio::awaitable<http::Reply> serve(http::Request& req, const http::ConnectionInfo& conn,
                                            const UrlAddress& address);
  /// InvokeMode RESPONSE_STREAM: the response's head as soon as the function's stream gives it
  /// (an HttpResponseStream prelude: status, headers, cookies), its body as it comes.
  boost::asio::awaitable<http::Reply> serveStreaming(const http::Request& req, const FunctionUrlConfig& config,
                                                     functions::InvokeRequest invoke, const std::string& requestId);

  FunctionUrlDirectory& directory_;
  functions::Invoker& invoker_;
  const auth::CredentialSource& credentials_;
  const Clock& clock_;
  FunctionUrlOptions options_;
  http::Handler& next_;
  auth::SigningKeyCache signingKeys_;
  std::mutex idsMu_;
  IdGenerator ids_;
};

}  // namespace portico::function_urls
