// Node handlers for the Lambda e2e test.
let count = 0;

exports.handler = async (event, context) => {
  count += 1;
  console.log('node handler saw', JSON.stringify(event));
  return { count, event, function: context.functionName, requestId: context.awsRequestId,
           remaining: context.getRemainingTimeInMillis(), greeting: process.env.GREETING || null };
};

exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { callback: true, event }), 5);
};

exports.fail = async () => {
  const e = new Error('node says no');
  e.name = 'NodeError';
  throw e;
};
