// The CloudWatch Logs API (JSON 1.1, SigV4 service `logs`, POST / with X-Amz-Target) over the
// log groups Portico keeps: each function's /aws/lambda/<function> (functions/function_logs.h)
// and the gateway's (gateway/log_groups.h: stages' access logs at their destinationArn and
// execution logs in API-Gateway-Execution-Logs_{restApiId}/{stageName}). FilterLogEvents,
// GetLogEvents, DescribeLogStreams, DescribeLogGroups, CreateLogGroup, DeleteLogGroup,
// PutRetentionPolicy and DeleteRetentionPolicy, so `aws logs filter-log-events`, `aws logs tail`
// and `aws logs put-retention-policy` work as on AWS.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
#pragma once
#include <string>

#include "common/clock.h"
#include "control/target_router.h"
#include "functions/function_logs.h"
#include "gateway/log_groups.h"
#include "store/store.h"

namespace portico::control::logs {

/// The references borrowed.
struct LogsContext {
  functions::FunctionLogs& functions;
  gateway::LogGroups& groups;
  store::Store& store;
  const Clock& clock;
  std::string region = "us-east-1";  // for the log groups' ARNs
  std::string accountId = "000000000000";
};

void registerLogsRoutes(TargetRouter& targets, LogsContext ctx);

}  // namespace portico::control::logs
