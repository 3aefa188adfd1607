// Create a method on a resource in one step, as the AWS console does: put-method,
// put-integration, and the default 200 method response (plus a 200 integration
// response for non-proxy integrations).
import { useState } from 'preact/hooks';
import { HTTP_METHODS, INTEGRATION_TYPES, methods as methodsApi, type Integration, type Resource } from '../../../api/apigateway';
import { FormDialog } from '../../../ui/form_dialog';
import { useAction } from '../../../ui/hooks';
import { Field } from '../../../ui/widgets';
import { IntegrationTarget, type TargetValue } from './integration_target';

const TYPE_HELP: Record<string, string> = {
  MOCK: 'Answer from mapping templates, no backend.',
  HTTP: 'Call an HTTP endpoint, with mapping templates.',
  HTTP_PROXY: 'Pass the request through to an HTTP endpoint as is.',
  AWS_PROXY: 'Invoke a Lambda function with the proxy event.',
  AWS: 'Invoke a Lambda function (or AWS action) with mapping templates.',
};

export function CreateMethodDialog(props: {
  apiId: string;
  resource: Resource;
  existing: string[];
  onClose: () => void;
  onCreated: (verb: string) => void;
}) {
  const free = HTTP_METHODS.filter((m) => !props.existing.includes(m));
  const [verb, setVerb] = useState<string>(free[0] ?? 'GET');
  const [type, setType] = useState<string>('MOCK');
  const [target, setTarget] = useState<TargetValue>({ httpMethod: 'GET', uri: '' });
  const action = useAction();
  const { apiId, resource } = props;

  const create = async () => {
    const integration: Integration = { type, passthroughBehavior: 'WHEN_NO_MATCH' };
    if (type === 'MOCK') {
      integration.requestTemplates = { 'application/json': '{"statusCode": 200}' };
    } else {
      integration.httpMethod = type === 'AWS_PROXY' ? 'POST' : target.httpMethod;
      integration.uri = target.uri;
    }
    const proxy = type === 'AWS_PROXY' || type === 'HTTP_PROXY';
    await methodsApi.put(apiId, resource.id, verb, { authorizationType: 'NONE', apiKeyRequired: false });
    await methodsApi.putIntegration(apiId, resource.id, verb, integration);
    await methodsApi.putMethodResponse(apiId, resource.id, verb, '200', {
      responseModels: { 'application/json': 'Empty' },
    });
    if (!proxy) await methodsApi.putIntegrationResponse(apiId, resource.id, verb, '200', { selectionPattern: '' });
  };

  return (
    <FormDialog
      title={`Create method on ${resource.path}`}
      onClose={props.onClose}
      testid="create-method-dialog"
      wide
      action={action}
      submit="Create method"
      submitDisabled={free.length === 0}
      submitTestid="create-method-submit"
      onSubmit={async () => {
        if (await action.run(create)) props.onCreated(verb);
      }}
    >
      <div class="form-row">
        <Field label="HTTP method">
          <select name="httpMethod" value={verb} onChange={(e) => setVerb(e.currentTarget.value)} autofocus>
            {HTTP_METHODS.map((m) => (
              <option key={m} disabled={props.existing.includes(m)}>
                {m}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset class="choice-group">
        <legend>Integration type</legend>
        {INTEGRATION_TYPES.map((t) => (
          <label key={t} class={t === type ? 'choice active' : 'choice'}>
            <input type="radio" name="integrationType" value={t} checked={t === type} onChange={() => setType(t)} />
            <strong>{t}</strong>
            <span class="muted small-text">{TYPE_HELP[t]}</span>
          </label>
        ))}
      </fieldset>
      <IntegrationTarget type={type} value={target} onChange={setTarget} />
    </FormDialog>
  );
}
