// The CloudWatch Logs API (JSON 1.1, SigV4 service `logs`, POST / with X-Amz-Target),
// as far as function logs need it: FilterLogEvents, GetLogEvents and DescribeLogStreams
// over the log groups /aws/lambda/<function>, so `aws logs filter-log-events` and
// `aws logs tail` read what functions printed.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
#pragma once
#include "control/target_router.h"
#include "functions/function_logs.h"
#include "store/store.h"

namespace portico::control::logs {

void registerLogsRoutes(TargetRouter& targets, functions::FunctionLogs& logs, store::Store& store);

}  // namespace portico::control::logs
