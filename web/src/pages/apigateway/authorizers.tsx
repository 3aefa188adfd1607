// Authorizers of one API: list, create (Lambda TOKEN/REQUEST or Cognito), delete.
import { useState } from 'preact/hooks';
import { authorizers as authorizersApi, type Authorizer } from '../../api/apigateway';
import { functions as functionsApi } from '../../api/lambda';
import { useSession } from '../../session_context';
import { DeleteButton } from '../../ui/delete_button';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { TextField } from '../../ui/text_field';
import { Field } from '../../ui/widgets';
import { functionNameFromUri, lambdaUri } from './methods/integration_target';

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
    <FormDialog
      title="Create authorizer"
      onClose={props.onClose}
      testid="create-authorizer-dialog"
      action={action}
      submit="Create authorizer"
      onSubmit={async () => {
        if (await action.run(submit)) props.onCreated();
      }}
    >
      <TextField label="Name" value={name} onValue={setName} name="name" required autofocus />
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
        <TextField label="User pool ARNs" hint="Comma or space separated." value={pools} onValue={setPools} name="providerARNs" required />
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
      <TextField
        label="Identity source"
        hint={type === 'REQUEST' ? 'Comma separated, e.g. method.request.header.x-token, method.request.querystring.t' : undefined}
        value={identitySource}
        onValue={setIdentitySource}
        name="identitySource"
      />
      {type === 'TOKEN' ? (
        <TextField label="Token validation regex" value={regex} onValue={setRegex} name="identityValidationExpression" placeholder="^Bearer .+$" />
      ) : null}
      <TextField
        label="Result cache TTL (seconds)"
        hint="0 turns caching off; at most 3600."
        value={ttl}
        onValue={setTtl}
        name="ttl"
        type="number"
        min={0}
        max={3600}
      />
    </FormDialog>
  );
}

export function AuthorizersSection(props: { apiId: string }) {
  const list = useLoad(() => authorizersApi.list(props.apiId), [props.apiId]);
  const dialog = useCreateDialog(list.reload);
  const del = useAction();
  return (
    <ListPanel title="Authorizers" level="panel" testid="authorizers" create={{ label: 'Create authorizer', onClick: dialog.show }} action={del}>
      <ResourceTable
        list={list}
        columns={['Name', 'ID', 'Type', 'Function / pools', 'Identity source', 'TTL', '']}
        empty="No authorizers. Methods can use one with authorization CUSTOM or COGNITO_USER_POOLS."
        row={(a) => (
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
              <DeleteButton
                action={del}
                confirm={`Delete the authorizer ${a.name}?`}
                run={() => authorizersApi.remove(props.apiId, a.id)}
                toast={`Deleted ${a.name}`}
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
      {dialog.open ? (
        <CreateAuthorizerDialog apiId={props.apiId} onClose={dialog.close} onCreated={() => dialog.created('Created authorizer')} />
      ) : null}
    </ListPanel>
  );
}
