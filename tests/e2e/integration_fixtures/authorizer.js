// A Lambda authorizer for the e2e test (TOKEN and REQUEST): the identity names the outcome.
let calls = 0;

function policy(principalId, effect, resource, extra) {
  return Object.assign({
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
  }, extra || {});
}

exports.handler = async (event) => {
  calls += 1;
  const who = event.type === 'TOKEN' ? event.authorizationToken.replace(/^Bearer /, '') : event.headers['X-User'];
  const tenant = event.type === 'TOKEN' ? '' : '@' + event.queryStringParameters.tenant;
  const anyMethod = event.methodArn.split('/').slice(0, 2).join('/') + '/*';
  if (who === 'deny') return policy('denied', 'Deny', anyMethod);
  if (who === 'unauthorized') throw new Error('Unauthorized');
  if (who === 'broken') throw new Error('something else');
  if (who === 'garbage') return { hello: 'world' };
  if (who === 'postonly') return policy('poster', 'Allow', event.methodArn.split('/').slice(0, 2).join('/') + '/POST/*');
  return policy('user-' + who + tenant, 'Allow', anyMethod, {
    context: { role: 'admin', calls, type: event.type },
    usageIdentifierKey: 'authorizer-named-key-0123456789',
  });
};
