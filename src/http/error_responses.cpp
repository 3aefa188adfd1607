#include "http/error_responses.h"

#include <boost/json.hpp>

namespace portico::http {

void preparePayload(Response& res) {
  const unsigned status = res.result_int();
  if (status < 200 || status == 204 || status == 304) res.body().clear();
  res.prepare_payload();
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no control characters but tab, CR and LF: a space stands in for the others.
        out += static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c;
    }
  }
  return out;
}

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
  if (error.shape == ErrorShape::kApiGateway) return errorResponse(error.status, error.type, error.message);
  if (error.shape == ErrorShape::kAwsJson) {
    boost::json::object body{{"__type", error.type}, {"message", error.message}};
    Response res = jsonResponse(error.status, boost::json::serialize(body));
    res.set(boost::beast::http::field::content_type, "application/x-amz-json-1.1");
    res.set("x-amzn-ErrorType", error.type);
    return res;
  }
  if (error.shape == ErrorShape::kAwsQuery) {
    std::string body = "<ErrorResponse><Error><Type>";
    body += error.status >= 500 ? "Receiver" : "Sender";
    body += "</Type><Code>" + xmlEscape(error.type) + "</Code><Message>" + xmlEscape(error.message) +
            "</Message></Error></ErrorResponse>";
    Response res{static_cast<boost::beast::http::status>(error.status), 11};
    res.set(boost::beast::http::field::content_type, "text/xml");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }
  // Lambda: {"Type":"User","Message":...}; throttling adds "Reason" and words it "message".
  // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
  boost::json::object body;
  if (!error.reason.empty()) {
    body["Reason"] = error.reason;
    body["Type"] = "User";
    body["message"] = error.message;
  } else {
    body["Type"] = error.status >= 500 ? "Service" : "User";
    body["Message"] = error.message;
  }
  Response res = jsonResponse(error.status, boost::json::serialize(body));
  res.set("x-amzn-ErrorType", error.type);
  if (error.status == 429) res.set("Retry-After", "1");
  return res;
}

}  // namespace portico::http
