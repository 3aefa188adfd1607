// ApiGatewayContext: what the apigateway management operations share: the store,
// the clock, ids, the template engine (to check templates at put time) and the
// stage registry (to publish deploys). One mutex serializes all mutations: the
// control plane is low-rate and read-modify-write of documents must not interleave.
#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <mutex>
#include <string>

#include "aws/aws_credentials.h"
#include "common/clock.h"
#include "common/id_generator.h"
#include "common/result.h"
#include "control/route_table.h"
#include "functions/invoker.h"
#include "gateway/authorization.h"
#include "gateway/domain_registry.h"
#include "gateway/pipeline.h"
#include "gateway/quota_counters.h"
#include "gateway/stage_registry.h"
#include "gateway/usage_plans.h"
#include "http/tls_catalog.h"
#include "store/store.h"
#include "vtl/template_engine.h"

namespace portico::aws {
class AwsClient;
}
namespace portico::gateway {
class StageCaches;
}

namespace portico::metrics {
class MetricsRegistry;  // metrics/metrics_registry.h
}

namespace portico::control::apigateway {

struct ApiGatewayContext {
  store::Store& store;
  const Clock& clock;
  const vtl::TemplateEngine& templates;
  gateway::StageRegistry& registry;
  gateway::UsageRegistry& usage;
  gateway::QuotaCounters& quotas;
  functions::Invoker* invoker = nullptr;                    // for TestInvokeAuthorizer; set once functions exist
  const gateway::Pipeline* pipeline = nullptr;              // for TestInvokeMethod; set once the data plane exists
  const gateway::Authorization* authorization = nullptr;    // for TestInvokeAuthorizer (Cognito)
  gateway::DomainRegistry* domains = nullptr;               // custom domain names, published on every change
  http::TlsCatalog* tls = nullptr;                          // and their certificates, for the TLS listener
  const aws::AwsCredentialChain* awsCredentials = nullptr;  // to warn of AWS integrations nothing can sign
  const aws::AwsClient* aws = nullptr;                      // reads s3:// truststores
  gateway::StageCaches* caches = nullptr;                   // the stage caches (cacheClusterEnabled)
  metrics::MetricsRegistry* metrics = nullptr;              // where deployed methods count
  double accountRateLimit = 10000;                          // the account throttle (GetAccount reports it)
  double accountBurstLimit = 5000;
  std::string accountId = "000000000000";
  std::string region = "us-east-1";
  IdGenerator ids;
  std::mutex mu;

  std::int64_t nowEpochSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  }
};

// Document kinds in the store.
inline constexpr std::string_view kRestApi = "restapi";
inline constexpr std::string_view kResource = "resource";
inline constexpr std::string_view kDeployment = "deployment";
inline constexpr std::string_view kSnapshot = "snapshot";
inline constexpr std::string_view kStage = "stage";
inline constexpr std::string_view kGatewayResponse = "gatewayresponse";
inline constexpr std::string_view kModel = "model";                        // id = the model's name
inline constexpr std::string_view kRequestValidator = "requestvalidator";  // id = its generated id
inline constexpr std::string_view kAuthorizer = "authorizer";              // scope = api id
inline constexpr std::string_view kApiKey = "apikey";                      // scope ""
inline constexpr std::string_view kUsagePlan = "usageplan";                // scope ""
inline constexpr std::string_view kUsagePlanKey = "usageplankey";          // scope = plan id, id = key id
inline constexpr std::string_view kVpcLink = "vpclink";                    // scope ""

/// The REST API document, or NotFoundException "Invalid API identifier specified".
Result<boost::json::object> loadApi(ApiGatewayContext& ctx, const std::string& apiId);
/// A resource document, or NotFoundException "Invalid Resource identifier specified".
Result<boost::json::object> loadResource(ApiGatewayContext& ctx, const std::string& apiId, const std::string& id);
/// Any document of kind in scope parsed as an object, or nullopt.
std::optional<boost::json::object> loadDoc(ApiGatewayContext& ctx, std::string_view kind, std::string_view scope,
                                           std::string_view id);
/// Stores a document (serialized).
void saveDoc(ApiGatewayContext& ctx, std::string_view kind, std::string_view scope, std::string_view id,
             const boost::json::object& doc);
/// All documents of kind in scope, parsed, in creation order.
std::vector<boost::json::object> listDocs(ApiGatewayContext& ctx, std::string_view kind, std::string_view scope);

/// A list reply {"item": [...], "position": ...} paged by ?position=&limit= (default 25, max 500).
Result<AdminReply> pagedList(const AdminCall& call, std::vector<boost::json::object> items);
/// 201/200 with the document as body.
AdminReply reply(int status, boost::json::object body);

/// What a deployment freezes of the API as it is now (api, resources with their methods, gateway
/// responses, models, validators, authorizers): the input of gateway::compileStage.
boost::json::object deploymentSnapshot(ApiGatewayContext& ctx, const boost::json::object& api,
                                       std::vector<boost::json::object> resources);

/// Compiles and installs the stage's deployment in the registry.
Status publishStage(ApiGatewayContext& ctx, const std::string& apiId, const boost::json::object& stage);
/// Installs every stored stage of every API (at start-up). Returns how many.
std::size_t publishAllStages(ApiGatewayContext& ctx);

/// Registers the management operations of one resource family (each family has its own file).
using RegisterRoutes = void(RouteTable& routes, ApiGatewayContext& ctx);
RegisterRoutes registerRestApiRoutes, registerResourceRoutes, registerMethodRoutes, registerIntegrationRoutes,
    registerDeploymentRoutes, registerStageRoutes, registerGatewayResponseRoutes, registerModelRoutes,
    registerApiKeyRoutes, registerAuthorizerRoutes, registerTestInvokeAuthorizerRoutes, registerTestInvokeMethodRoutes,
    registerUsagePlanRoutes, registerRequestValidatorRoutes, registerOpenApiRoutes, registerStageCacheRoutes,
    registerTagRoutes, registerAccountRoutes, registerVpcLinkRoutes;
/// A resource's path part: a literal of API Gateway's characters, or {name} / {name+}.
Status validatePathPart(std::string_view part);
/// "{name}" or "{name+}"; the greedy "{name+}".
bool isPathVariable(std::string_view part);
bool isGreedyPathVariable(std::string_view part);
/// PutGatewayResponse's document for `type` from a body of statusCode, responseParameters and
/// responseTemplates, checked as that operation checks it (type, status, mappings, templates).
Result<boost::json::object> gatewayResponseDocument(ApiGatewayContext& ctx, std::string_view type,
                                                    const boost::json::object& body);
/// A model's name: alphanumeric, not empty.
bool validModelName(std::string_view name);
/// POST /restapis: ImportRestApi when ?mode= is given (openapi_api.cpp), else `create`.
Result<AdminReply> importOrCreateRestApi(ApiGatewayContext& ctx, const AdminCall& call,
                                         Result<AdminReply> (*create)(ApiGatewayContext&, const AdminCall&));
/// Registers every apigateway management operation: every family above.
void registerApiGatewayRoutes(RouteTable& routes, ApiGatewayContext& ctx);
/// Recompiles API keys and usage plans from the store into the data plane's usage snapshot.
void publishUsage(ApiGatewayContext& ctx);
/// The two models every new API starts with (Empty and Error), stored for apiId.
void createDefaultModels(ApiGatewayContext& ctx, const std::string& apiId);

}  // namespace portico::control::apigateway
