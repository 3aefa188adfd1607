// Authorizers of one API: list, create (Lambda TOKEN/REQUEST or Cognito), delete.
import { useState } from 'preact/hooks';
import { authorizers as authorizersApi, type Authorizer } from '../api/apigateway';
import { functions as functionsApi } from '../api/lambda';
import { useSession } from '../session_context';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, Loading, Modal, toast } from '../ui/widgets';
import { functionNameFromUri, lambdaUri } from './integration_target';

function CreateAuthorizerDialog(props: { apiId: string; onClose: () => void; onCreated: () => void }) {
  const session = useSession();
  const fns = useLoad(() => functionsApi.list(), []);
  const [name, setName] = useState('');
  const [type, setType] = useState('TOKEN');
  const [fn, setFn] = useState('');
  const [identitySource, setIdentitySource] = useState('method.request.header.Authorization');
  const [regex, setRegex] = useState('');
  const [ttl, setTtl] = useState('300');
  const [pools, setPools] = useState('');
  const action = useAction();

  const submit = async () => {
    const body: Omit<Authorizer, 'id'> = {
      name: name.trim(),
      type,
      identitySource: identitySource.trim(),
      authorizerResultTtlInSeconds: Number(ttl),
    };
    if (type === 'COGNITO_USER_POOLS') {
      body.providerARNs = pools.split(/[\s,]+/).filter(Boolean);
    } else {
      const f = fns.data?.find((x) => x.FunctionName === fn);
      body.authorizerUri = lambdaUri(session.region, f?.FunctionArn ?? `arn:aws:lambda:${session.region}:${session.accountId}:function:${fn}`);
    }
    if (type === 'TOKEN' && regex.trim()) body.identityValidationExpression = regex.trim();
    await authorizersApi.create(props.apiId, body);
  };

  return (
    <Modal title="Create authorizer" onClose={props.onClose} testid="create-authorizer-dialog">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await action.run(submit)) props.onCreated();
        }}
      >
        <Field label="Name">
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus />
        </Field>
        <Field label="Type">
          <select
            name="type"
            value={type}
            onChange={(e) => setType(e.currentTarget.value)}
          >
            <option value="TOKEN">Lambda (TOKEN)</option>
            <option value="REQUEST">Lambda (REQUEST)</option>
            <option value="COGNITO_USER_POOLS">Cognito user pools</option>
          </select>
        </Field>
        {type === 'COGNITO_USER_POOLS' ? (
          <Field label="User pool ARNs" hint="Comma or space separated.">
            <input name="providerARNs" value={pools} onInput={(e) => setPools(e.currentTarget.value)} required />
          </Field>
        ) : (
          <Field label="Lambda function">
            <select name="function" value={fn} onChange={(e) => setFn(e.currentTarget.value)} required>
              <option value="">{fns.loading ? 'Loading…' : 'Choose a function'}</option>
              {(fns.data ?? []).map((f) => (
                <option key={f.FunctionName}>{f.FunctionName}</option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Identity source" hint={type === 'REQUEST' ? 'Comma separated, e.g. method.request.header.x-token, method.request.querystring.t' : undefined}>
          <input name="identitySource" value={identitySource} onInput={(e) => setIdentitySource(e.currentTarget.value)} />
        </Field>
        {type === 'TOKEN' ? (
          <Field label="Token validation regex">
            <input name="identityValidationExpression" value={regex} onInput={(e) => setRegex(e.currentTarget.value)} placeholder="^Bearer .+$" />
          </Field>
        ) : null}
        <Field label="Result cache TTL (seconds)" hint="0 turns caching off; at most 3600.">
          <input name="ttl" type="number" min={0} max={3600} value={ttl} onInput={(e) => setTtl(e.currentTarget.value)} />
        </Field>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy}>
            Create authorizer
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function AuthorizersSection(props: { apiId: string }) {
  const list = useLoad(() => authorizersApi.list(props.apiId), [props.apiId]);
  const [creating, setCreating] = useState(false);
  const del = useAction();
  return (
    <div class="panel" data-testid="authorizers">
      <header class="panel-head">
        <h2>Authorizers</h2>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create authorizer
        </button>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={list.data} error={list.error}>
        {(items) =>
          items.length === 0 ? (
            <Empty>No authorizers. Methods can use one with authorization CUSTOM or COGNITO_USER_POOLS.</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>ID</th>
                  <th>Type</th>
                  <th>Function / pools</th>
                  <th>Identity source</th>
                  <th>TTL</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <tr key={a.id}>
                    <td>{a.name}</td>
                    <td>
                      <code>{a.id}</code>
                    </td>
                    <td>{a.type}</td>
                    <td>{a.authorizerUri ? functionNameFromUri(a.authorizerUri) || a.authorizerUri : (a.providerARNs ?? []).join(', ')}</td>
                    <td>
                      <code>{a.identitySource}</code>
                    </td>
                    <td>{a.authorizerResultTtlInSeconds ?? 300}s</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the authorizer ${a.name}?`))) return;
                          if (await del.run(() => authorizersApi.remove(props.apiId, a.id))) {
                            toast(`Deleted ${a.name}`);
                            void list.reload();
                          }
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
      {creating ? (
        <CreateAuthorizerDialog
          apiId={props.apiId}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            toast('Created authorizer');
            void list.reload();
          }}
        />
      ) : null}
    </div>
  );
}
