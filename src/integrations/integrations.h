// The integrations Portico has, made for the pipeline (gateway/integration.h is what they
// implement): MOCK, HTTP and HTTP_PROXY, AWS_PROXY and AWS to Lambda, AWS to other services.
#pragma once
#include <memory>
#include <string_view>
#include <vector>

#include "gateway/integration.h"

namespace portico::http {
class UpstreamPool;
}
namespace portico::functions {
class Invoker;
}
namespace portico::aws {
class AwsClient;
class AwsCredentialChain;
}  // namespace portico::aws
namespace portico::auth {
class CredentialSource;
}

namespace portico::integrations {

using gateway::Integration;

/// MOCK: the status code comes from the rendered request template's "statusCode".
std::unique_ptr<Integration> makeMockIntegration();
/// The status a MOCK integration answers for its rendered request template: its "statusCode"
/// (a number or a numeric string), 200 when it has none or is not JSON.
int mockStatusCode(std::string_view renderedTemplate);
/// HTTP and HTTP_PROXY: forwards to the endpoint through the worker's upstream pool
/// (pools[ctx.conn.workerIndex]); pools are borrowed and must outlive the integration.
std::unique_ptr<Integration> makeHttpIntegration(std::vector<http::UpstreamPool*> pools);
/// AWS_PROXY to Lambda: the proxy event in, the proxy response out (invoker borrowed).
std::unique_ptr<Integration> makeLambdaProxyIntegration(functions::Invoker& invoker);
/// AWS to Lambda (non-proxy): the mapped body in, integration responses select the answer.
std::unique_ptr<Integration> makeLambdaIntegration(functions::Invoker& invoker);
/// AWS to any other service: the mapped request signed with the integration's credentials (a role's
/// keys from `credentials`, the default chain, or the AWS_IAM caller's own via `callers`) and sent
/// through `client`; `defaultRegion` when the URI names none. All borrowed.
std::unique_ptr<Integration> makeAwsServiceIntegration(const aws::AwsClient& client,
                                                       const aws::AwsCredentialChain& credentials,
                                                       const auth::CredentialSource& callers,
                                                       std::string defaultRegion);

}  // namespace portico::integrations
