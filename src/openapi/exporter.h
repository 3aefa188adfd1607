// exportDocument: a deployed stage's snapshot (the API, its resources with methods, models,
// validators, authorizers, gateway responses, as the deployment froze them) → the OpenAPI 3.0.1 or
// Swagger 2.0 document API Gateway's get-export writes: servers / host + basePath naming the
// stage, paths with parameters, request bodies and responses, models as schemas (model URLs
// back to local $refs), security schemes, and with extensions the x-amazon-apigateway-* fields
// that importDocument reads. Pure.
#pragma once
#include <boost/json/object.hpp>
#include <string>

namespace portico::openapi {

enum class ExportFormat { kOas30, kSwagger };

struct ExportOptions {
  ExportFormat format = ExportFormat::kOas30;
  bool integrations = false;  // extensions=integrations / apigateway: every x-amazon-apigateway-* field
  bool authorizers = false;   // extensions=authorizers: the authorizer extensions only
  std::string stageName;
  std::string host;  // "{id}.execute-api.{region}.amazonaws.com"
};

boost::json::object exportDocument(const boost::json::object& snapshot, const ExportOptions& options);

}  // namespace portico::openapi
