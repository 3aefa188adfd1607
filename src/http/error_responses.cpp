#include "http/error_responses.h"

#include <boost/json.hpp>

namespace portico::http {

Response jsonResponse(int status, std::string body) {
  Response res{static_cast<boost::beast::http::status>(status), 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response errorResponse(int status, std::string_view type, std::string_view message) {
  boost::json::object body;
  body["message"] = message;
  Response res = jsonResponse(status, boost::json::serialize(body));
  res.set("x-amzn-ErrorType", type);
  return res;
}

Response errorResponse(const ApiError& error) {
  return errorResponse(error.status, error.type, error.message);
}

}  // namespace portico::http
