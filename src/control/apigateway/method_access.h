// Method access: loads a resource and one of its methods for the method,
// method-response and integration operations, with AWS's not-found errors.
#pragma once
#include <boost/json/object.hpp>
#include <string>

#include "control/apigateway/apigateway_context.h"

namespace portico::control::apigateway {

/// The HTTP methods API Gateway accepts.
bool isValidHttpMethod(std::string_view m);

struct MethodRef {
  boost::json::object resource;  // the whole resource document
  std::string apiId, resourceId, httpMethod;

  /// The method object inside resource (exists after a successful loadMethod).
  boost::json::object& method();
  /// Writes the resource document back.
  void save(ApiGatewayContext& ctx) const;
};

/// Loads restapis/{api}/resources/{rid}/methods/{verb}; NotFoundException
/// "Invalid Method identifier specified" when the method is absent.
Result<MethodRef> loadMethod(ApiGatewayContext& ctx, const std::string& apiId, const std::string& resourceId,
                             const std::string& httpMethod);

/// HTTP status codes as API Gateway accepts them: three digits, 1xx-5xx.
bool isValidStatusCode(std::string_view code);

}  // namespace portico::control::apigateway
