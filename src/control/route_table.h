// RouteTable: the management API's routes ("restapis/{}/resources/{}") and their
// operations. Paths are split on '/' first and each segment percent-decoded, as
// the AWS CLI percent-encodes ids and names inside segments.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "http/body_stream.h"
#include "http/handler.h"

namespace portico::control {

/// One management call, as the operation sees it.
struct AdminCall {
  boost::beast::http::verb method;
  std::vector<std::string> params;  // the {} segments, decoded, in order
  std::vector<std::pair<std::string, std::string>> query;
  std::string_view body;
  const boost::beast::http::fields* headers = nullptr;  // the request's headers, when there is a request
  const http::ConnectionInfo* conn = nullptr;           // the connection it came on, when there is one

  /// A request header's value, or "" when absent.
  std::string header(std::string_view name) const;

  /// A query parameter's value, or nullopt.
  std::optional<std::string> queryParam(std::string_view name) const;
  /// The body as a JSON object ({} when empty); BadRequestException when it is not one.
  Result<boost::json::object> json() const;
};

struct AdminReply {
  int status = 200;
  std::optional<boost::json::value> body;  // nullopt: empty body (unless rawBody)
  /// A non-JSON body sent verbatim (Lambda Invoke's payload), with its content type.
  std::optional<std::string> rawBody;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
  /// The rest of a body still arriving (InvokeWithResponseStream): relayed chunked after `rawBody`.
  std::shared_ptr<http::BodyStream> rest;
};

using AdminOperation = std::function<Result<AdminReply>(const AdminCall&)>;
/// An operation that waits (Lambda Invoke). The call stays valid until it completes.
using AsyncAdminOperation = std::function<boost::asio::awaitable<Result<AdminReply>>(const AdminCall&)>;

class RouteTable {
 public:
  /// Registers `op` for method + pattern, e.g. (GET, "restapis/{}/stages/{}").
  void add(boost::beast::http::verb method, std::string_view pattern, AdminOperation op);
  /// Registers an asynchronous operation.
  void addAsync(boost::beast::http::verb method, std::string_view pattern, AsyncAdminOperation op);

  struct Match {
    const AdminOperation* op = nullptr;  // null (and asyncOp null): the path exists but not for this method
    const AsyncAdminOperation* asyncOp = nullptr;
    std::vector<std::string> params;
  };
  /// The route for decoded segments, or nullopt when no pattern has this shape.
  std::optional<Match> match(boost::beast::http::verb method, const std::vector<std::string>& segments) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::vector<std::string> parts;  // "{}" = capture
    AdminOperation op;
    AsyncAdminOperation asyncOp;
  };
  std::vector<Route> routes_;
};

}  // namespace portico::control
