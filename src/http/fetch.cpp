#include "http/fetch.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <optional>

namespace portico::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace {

ApiError failure(std::string message) {
  return ApiError{"FetchError", 502, std::move(message)};
}

/// Runs the request over `stream` (connected, handshaken) and reads the answer.
template <class Stream>
void exchange(Stream& stream, bhttp::request<bhttp::empty_body>& req,
              bhttp::response_parser<bhttp::string_body>& parser, beast::flat_buffer& buffer,
              std::optional<beast::error_code>& result) {
  bhttp::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
    if (ec) {
      result = ec;
      return;
    }
    bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec2, std::size_t) { result = ec2; });
  });
}

}  // namespace

Result<std::string> fetchUrl(std::string_view url, std::chrono::milliseconds timeout, std::size_t maxBytes) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return failure("not an absolute URL: " + std::string(url));
  std::string scheme(parsed->scheme());
  if (scheme != "http" && scheme != "https") return failure("only http and https URLs can be fetched");
  bool tls = scheme == "https";
  std::string host(parsed->host());
  std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
  std::string target(parsed->encoded_target());
  if (target.empty()) target = "/";

  asio::io_context ioc;
  asio::ssl::context sslContext(asio::ssl::context::tls_client);
  sslContext.set_default_verify_paths();
  sslContext.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, sslContext);
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(timeout);

  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, parsed->has_port() ? host + ":" + port : host);
  req.set(bhttp::field::user_agent, "portico/" PORTICO_VERSION);
  req.set(bhttp::field::accept, "application/json");
  req.set(bhttp::field::connection, "close");
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(maxBytes);
  beast::flat_buffer buffer;
  std::optional<beast::error_code> result;

  asio::ip::tcp::resolver resolver(ioc);
  resolver.async_resolve(host, port, [&](beast::error_code ec, asio::ip::tcp::resolver::results_type endpoints) {
    if (ec) {
      result = ec;
      return;
    }
    tcp.async_connect(endpoints, [&](beast::error_code ec2, const asio::ip::tcp::endpoint&) {
      if (ec2) {
        result = ec2;
        return;
      }
      if (!tls) {
        exchange(tcp, req, parser, buffer, result);
        return;
      }
      if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
        result = beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        return;
      }
      stream.set_verify_callback(asio::ssl::host_name_verification(host));
      stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec3) {
        if (ec3) {
          result = ec3;
          return;
        }
        exchange(stream, req, parser, buffer, result);
      });
    });
  });
  ioc.run_for(timeout + std::chrono::milliseconds(100));
  if (!result)
    return failure("timed out after " + std::to_string(timeout.count()) + " ms fetching " + std::string(url));
  if (*result && *result != bhttp::error::end_of_stream) {
    return failure("fetching " + std::string(url) + " failed: " + result->message());
  }
  if (!parser.is_done()) return failure("incomplete answer from " + std::string(url));
  auto res = parser.release();
  if (res.result() != bhttp::status::ok) {
    return failure(std::string(url) + " answered " + std::to_string(res.result_int()));
  }
  return std::move(res.body());
}

}  // namespace portico::http
