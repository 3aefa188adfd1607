// A Lambda proxy function for the gateway e2e test: echoes the event, or misbehaves on request.
exports.handler = async (event) => {
  const proxy = event.path.replace(/^\//, '');
  if (proxy === 'malformed') return { statusCode: 200, unexpected: true };
  if (proxy === 'boom') throw new Error('boom');
  if (proxy === 'slow') {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return { statusCode: 200, body: 'late' };
  }
  if (proxy === 'binary') {
    return { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: event.body, isBase64Encoded: true };
  }
  return {
    statusCode: 200,
    headers: { 'X-Echo': 'node', 'X-Both': 'solo' },
    multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Both': ['m1'] },
    body: JSON.stringify(event),
  };
};
