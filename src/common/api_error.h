// ApiError: an AWS-shaped error (x-amzn-ErrorType code, HTTP status, message) that
// travels back as a value through the control plane and the gateway pipeline.
#pragma once
#include <string>
#include <utility>

namespace portico {

/// How the error body is worded: API Gateway's {"message"}, Lambda's {"Type","Message"}, the
/// JSON 1.1 protocol's {"__type","message"} (CloudWatch Logs), or the query protocol's XML
/// <ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse> (CloudWatch).
enum class ErrorShape { kApiGateway, kLambda, kAwsJson, kAwsQuery };

struct ApiError {
  std::string type;     // x-amzn-ErrorType, e.g. "NotFoundException"
  int status = 500;     // HTTP status
  std::string message;  // human-readable message, as AWS words it
  ErrorShape shape = ErrorShape::kApiGateway;
  std::string reason;  // Lambda's "Reason" (throttling), empty when none

  static ApiError badRequest(std::string msg) { return {"BadRequestException", 400, std::move(msg)}; }
  static ApiError notFound(std::string msg) { return {"NotFoundException", 404, std::move(msg)}; }
  static ApiError conflict(std::string msg) { return {"ConflictException", 409, std::move(msg)}; }
  static ApiError internal(std::string msg) { return {"InternalFailure", 500, std::move(msg)}; }
  /// A Lambda API error: {"Type":"User","Message":...}.
  static ApiError lambda(std::string type, int status, std::string msg) {
    return {std::move(type), status, std::move(msg), ErrorShape::kLambda, {}};
  }
};

}  // namespace portico
