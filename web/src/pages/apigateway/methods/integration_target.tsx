// Where an integration sends the request: an endpoint URL and method for HTTP and
// HTTP_PROXY, a Lambda function for AWS_PROXY (and AWS Lambda), nothing for MOCK.
// Shared by the create-method dialog and the Integration Request editor.
import { functions as functionsApi } from '../../../api/lambda';
import { HTTP_METHODS } from '../../../api/apigateway';
import { useSession } from '../../../session_context';
import { useLoad } from '../../../ui/hooks';
import { TextField } from '../../../ui/text_field';
import { Field } from '../../../ui/widgets';

export interface TargetValue {
  httpMethod: string;
  uri: string;
}

/** The API Gateway URI that invokes a Lambda function (AWS and AWS_PROXY integrations). */
export function lambdaUri(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

/** The function name in a Lambda integration URI, or "". */
export function functionNameFromUri(uri: string): string {
  const m = /functions\/arn:aws:lambda:[^:]*:[^:]*:function:([^/:]+)/.exec(uri);
  return m ? m[1]! : '';
}

export function IntegrationTarget(props: { type: string; value: TargetValue; onChange: (v: TargetValue) => void }) {
  const session = useSession();
  const { type, value, onChange } = props;
  const wantsFunctions = type === 'AWS_PROXY' || type === 'AWS';
  const fns = useLoad(() => (wantsFunctions ? functionsApi.list() : Promise.resolve([])), [wantsFunctions]);

  if (type === 'MOCK') {
    return <p class="muted small-text">A mock integration answers from its templates; the request template sets the status code.</p>;
  }
  if (type === 'HTTP' || type === 'HTTP_PROXY') {
    return (
      <div class="form-row">
        <Field label="HTTP method">
          <select value={value.httpMethod} onChange={(e) => onChange({ ...value, httpMethod: e.currentTarget.value })} name="integrationHttpMethod">
            {HTTP_METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <TextField
          label="Endpoint URL"
          wide
          hint="May use {param} path variables and ${stageVariables.name}."
          value={value.uri}
          onValue={(v) => onChange({ ...value, uri: v })}
          name="uri"
          placeholder="http://127.0.0.1:9000/pets/{petId}"
          required
        />
      </div>
    );
  }
  const selected = functionNameFromUri(value.uri);
  return (
    <div class="form-col">
      <div class="form-row">
        <Field label="Lambda function">
          <select
            name="function"
            value={selected}
            onChange={(e) => {
              const f = fns.data?.find((x) => x.FunctionName === e.currentTarget.value);
              const arn = f?.FunctionArn ?? `arn:aws:lambda:${session.region}:${session.accountId}:function:${e.currentTarget.value}`;
              onChange({ httpMethod: 'POST', uri: lambdaUri(session.region, arn) });
            }}
          >
            <option value="">{fns.loading ? 'Loading functions…' : 'Choose a function'}</option>
            {(fns.data ?? []).map((f) => (
              <option key={f.FunctionName} value={f.FunctionName}>
                {f.FunctionName}
              </option>
            ))}
            {selected && !fns.data?.some((f) => f.FunctionName === selected) ? <option value={selected}>{selected}</option> : null}
          </select>
        </Field>
        {type === 'AWS' ? (
          <Field label="HTTP method">
            <select value={value.httpMethod} onChange={(e) => onChange({ ...value, httpMethod: e.currentTarget.value })} name="integrationHttpMethod">
              {HTTP_METHODS.filter((m) => m !== 'ANY').map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
        ) : null}
      </div>
      <TextField
        label="URI"
        wide
        hint={type === 'AWS_PROXY' ? 'Lambda proxy integrations always call with POST.' : undefined}
        value={value.uri}
        onValue={(v) => onChange({ ...value, uri: v })}
        name="uri"
        required
      />
    </div>
  );
}
