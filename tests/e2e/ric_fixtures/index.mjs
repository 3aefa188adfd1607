// A Node handler run by AWS's own Runtime Interface Client (aws-lambda-ric), not by Portico's
// bootstrap: what it returns shows what the RIC read from Portico's Runtime API.
let count = 0;

export const handler = async (event, context) => {
  count += 1;
  if (event.fail) throw new TypeError(`asked to fail: ${event.fail}`);
  console.log("ric handler saw", JSON.stringify(event));
  return {
    echo: event,
    count,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    memoryLimitInMB: context.memoryLimitInMB,
    invokedFunctionArn: context.invokedFunctionArn,
    remainingMs: context.getRemainingTimeInMillis(),
    greeting: process.env.GREETING,
    traceId: process.env._X_AMZN_TRACE_ID ?? null,
  };
};
