// LambdaContext: what the Lambda management operations share (store, catalog,
// code store, invoker, logs), plus helpers for Lambda's wire conventions.
// One mutex serializes mutations, as in the apigateway operations.
// https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "aws/aws_credentials.h"
#include "common/clock.h"
#include "common/id_generator.h"
#include "common/result.h"
#include "control/admin_handler.h"
#include "control/route_table.h"
#include "functions/account_concurrency.h"
#include "functions/builtin_runtimes.h"
#include "functions/code_store.h"
#include "functions/function_catalog.h"
#include "functions/function_logs.h"
#include "functions/invoker.h"
#include "functions/provisioner.h"

namespace portico::control::lambda {

struct LambdaContext {
  store::Store& store;
  const Clock& clock;
  functions::FunctionCatalog& catalog;
  functions::CodeStore& code;
  functions::Invoker& invoker;
  functions::FunctionLogs& logs;
  std::string sandboxWarning;                        // non-empty when functions run unsandboxed (shown as StateReason)
  std::string codeUrlBase;                           // "http://host:port" of the management listener, set once bound
  std::string codeUrlKey;                            // HMAC key for pre-signed code download URLs
  std::string functionUrlPort;                       // the data listener's port, in function URLs ("" in tests)
  functions::AccountConcurrency* account = nullptr;  // the account's limit and reservations (borrowed)
  functions::Provisioner* provisioner = nullptr;     // provisioned concurrency (borrowed; null: stored only)
  /// Where calls that unpack code run (a 100,000-entry zip takes seconds): off the serving loops.
  /// Unset: on the caller's loop (tests).
  std::optional<boost::asio::any_io_executor> blockingExecutor;
  /// Code in S3 (Code.S3Bucket): read through the AWS client with these keys. Unset: refused.
  const aws::AwsClient* aws = nullptr;
  const aws::AwsCredentialChain* awsCredentials = nullptr;
  std::string region = "us-east-1";
  functions::HostInterpreters interpreters;  // what the runtimes run on (GetFunction says)
  IdGenerator ids;
  std::mutex mu;

  /// "2024-01-01T12:00:00.000+0000", as Lambda writes LastModified.
  std::string lastModifiedNow() const;
};

/// Lambda's error constructors.
ApiError invalidParameter(std::string message);
ApiError validationError(std::string message);
ApiError resourceConflict(std::string message);

/// The function document ("function", "", name), or ResourceNotFoundException.
Result<boost::json::object> loadFunction(LambdaContext& ctx, const functions::FunctionRef& ref);
/// Saves the function document.
void saveFunction(LambdaContext& ctx, const std::string& name, const boost::json::object& doc);
/// The parsed reference from a path segment and ?Qualifier=.
Result<functions::FunctionRef> refFrom(LambdaContext& ctx, const AdminCall& call, std::size_t param = 0);
/// A pre-signed URL serving the zip with this hex digest (valid 10 minutes).
std::string codeLocation(LambdaContext& ctx, const std::string& hex);
/// The unsigned /_portico/code/... endpoint that serves those URLs.
UnsignedEndpoint makeCodeDownloadEndpoint(LambdaContext& ctx);

AdminReply jsonReply(int status, boost::json::object body);

/// A body's Description (at most 256 characters, Lambda's bound): nullopt when absent or null,
/// ValidationException when it is not a string or longer.
Result<std::optional<std::string>> descriptionOf(const boost::json::object& body);

/// A list call's page: ?MaxItems= (1..limit; `defaultMax` when absent) and ?Marker= (an index,
/// as Portico hands out NextMarker). ValidationException / InvalidParameterValueException otherwise.
struct ListPage {
  std::size_t maxItems = 50;
  std::size_t marker = 0;
};
Result<ListPage> listPage(const AdminCall& call, std::size_t defaultMax, std::size_t limit);
/// {key: the page's items, "NextMarker" when more follow}.
boost::json::object pagedItems(std::string_view key, std::vector<boost::json::value> items, const ListPage& page);
/// 204 with no body, as Lambda answers deletes.
AdminReply noContent();
/// PreconditionFailedException (412) when the request carries a RevisionId that is not `current`'s.
Status checkRevision(const boost::json::object& body, const boost::json::object& current);

/// What an update works on: the request body and the function document, loaded under ctx.mu
/// (held by `lock` for as long as the update lives), its RevisionId already checked.
struct FunctionUpdate {
  functions::FunctionRef ref;
  boost::json::object body;
  std::unique_lock<std::mutex> lock;
  boost::json::object doc;
  boost::json::object& config() { return doc["config"].as_object(); }
};
Result<FunctionUpdate> beginFunctionUpdate(LambdaContext& ctx, const AdminCall& call);

/// An operation that unpacks code, run on ctx.blockingExecutor so that a big zip never stalls a
/// serving loop; the caller's coroutine resumes on its own loop.
AsyncAdminOperation offloaded(LambdaContext& ctx, AdminOperation op);

void registerFunctionRoutes(RouteTable& routes, LambdaContext& ctx);
/// Sums every function's reserved concurrency into ctx.account (at start, and after each change).
void publishReservedConcurrency(LambdaContext& ctx);
void registerVersionRoutes(RouteTable& routes, LambdaContext& ctx);
void registerAliasRoutes(RouteTable& routes, LambdaContext& ctx);
void registerPolicyRoutes(RouteTable& routes, LambdaContext& ctx);
void registerInvokeRoutes(RouteTable& routes, LambdaContext& ctx);
void registerTagRoutes(RouteTable& routes, LambdaContext& ctx);
void registerRuntimeManagementRoutes(RouteTable& routes, LambdaContext& ctx);
void registerEventInvokeConfigRoutes(RouteTable& routes, LambdaContext& ctx);
void registerLayerRoutes(RouteTable& routes, LambdaContext& ctx);
void registerFunctionUrlRoutes(RouteTable& routes, LambdaContext& ctx);
void registerProvisionedConcurrencyRoutes(RouteTable& routes, LambdaContext& ctx);
void registerCodeSigningRoutes(RouteTable& routes, LambdaContext& ctx);
void registerStreamingInvokeRoutes(RouteTable& routes, LambdaContext& ctx);
void registerEventSourceMappingRoutes(RouteTable& routes, LambdaContext& ctx);
/// Asks the runtime for every stored provisioned concurrency configuration (at start).
void publishProvisionedConcurrency(LambdaContext& ctx);
/// Ends the provisioned concurrency of a function's qualifier (every one when nullopt) as it is
/// deleted; the document's entries go with it (the caller saves it, or removes it).
void endProvisionedConcurrency(LambdaContext& ctx, boost::json::object& doc, const std::string& function,
                               std::optional<std::string> qualifier = std::nullopt);

inline void registerLambdaRoutes(RouteTable& routes, LambdaContext& ctx) {
  registerFunctionRoutes(routes, ctx);
  registerVersionRoutes(routes, ctx);
  registerAliasRoutes(routes, ctx);
  registerPolicyRoutes(routes, ctx);
  registerInvokeRoutes(routes, ctx);
  registerTagRoutes(routes, ctx);
  registerRuntimeManagementRoutes(routes, ctx);
  registerEventInvokeConfigRoutes(routes, ctx);
  registerLayerRoutes(routes, ctx);
  registerFunctionUrlRoutes(routes, ctx);
  registerProvisionedConcurrencyRoutes(routes, ctx);
  registerCodeSigningRoutes(routes, ctx);
  registerStreamingInvokeRoutes(routes, ctx);
  registerEventSourceMappingRoutes(routes, ctx);
}

}  // namespace portico::control::lambda
