// Method Request editor: authorization, API key, request parameters, request models
// and the validator. Saves with one UpdateMethod PATCH holding only what changed.
import { useMemo, useState } from 'preact/hooks';
import {
  authorizers as authorizersApi,
  mapDiff,
  methods as methodsApi,
  models as modelsApi,
  ptr,
  validators as validatorsApi,
  type Method,
  type PatchOp,
} from '../../../api/apigateway';
import { useDirty } from '../../../router';
import { Form } from '../../../ui/form';
import { useAction, useLoad } from '../../../ui/hooks';
import { ErrorBox, Field, KeyValueEditor, toRows, fromRows, type KvRow } from '../../../ui/widgets';
import type { MethodEditorProps } from './editor_props';

const LOCATIONS = ['querystring', 'header', 'path', 'multivaluequerystring', 'multivalueheader'] as const;

interface ParamRow {
  location: string;
  name: string;
  required: boolean;
}

function paramRows(m: Record<string, boolean> | undefined): ParamRow[] {
  return Object.entries(m ?? {}).map(([k, required]) => {
    const parts = /^method\.request\.([a-z]+)\.(.+)$/.exec(k);
    return { location: parts?.[1] ?? 'querystring', name: parts?.[2] ?? k, required };
  });
}

function paramMap(rows: ParamRow[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const r of rows) if (r.name.trim()) out[`method.request.${r.location}.${r.name.trim()}`] = r.required;
  return out;
}

function ParamsEditor(props: { rows: ParamRow[]; onChange: (r: ParamRow[]) => void }) {
  const { rows, onChange } = props;
  const set = (i: number, p: Partial<ParamRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...p } : r)));
  return (
    <div class="kv" data-testid="request-parameters">
      {rows.map((r, i) => (
        <div class="kv-row kv-3" key={i}>
          <select value={r.location} onChange={(e) => set(i, { location: e.currentTarget.value })} aria-label={`Location ${i + 1}`}>
            {LOCATIONS.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
          <input value={r.name} placeholder="name" aria-label={`Parameter ${i + 1}`} onInput={(e) => set(i, { name: e.currentTarget.value })} />
          <label class="inline">
            <input type="checkbox" checked={r.required} onChange={(e) => set(i, { required: e.currentTarget.checked })} />
            Required
          </label>
          <button type="button" class="link-button" aria-label="Remove parameter" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" class="small" onClick={() => onChange([...rows, { location: 'querystring', name: '', required: false }])}>
        + Parameter
      </button>
    </div>
  );
}

export function MethodRequestEditor(props: MethodEditorProps) {
  const { apiId, resourceId, verb } = props;
  const [original, setOriginal] = useState(props.method);
  const [authType, setAuthType] = useState(original.authorizationType ?? 'NONE');
  const [authorizerId, setAuthorizerId] = useState(original.authorizerId ?? '');
  const [apiKey, setApiKey] = useState(!!original.apiKeyRequired);
  const [validatorId, setValidatorId] = useState(original.requestValidatorId ?? '');
  const [params, setParams] = useState<ParamRow[]>(() => paramRows(original.requestParameters));
  const [reqModels, setReqModels] = useState<KvRow[]>(() => toRows(original.requestModels));
  const lists = useLoad(
    () => Promise.all([authorizersApi.list(apiId), validatorsApi.list(apiId), modelsApi.list(apiId)]),
    [apiId],
  );
  const action = useAction();

  const ops = useMemo(() => {
    const out: PatchOp[] = [];
    const needsAuthorizer = authType === 'CUSTOM' || authType === 'COGNITO_USER_POOLS';
    if (needsAuthorizer && authorizerId !== (original.authorizerId ?? '')) {
      out.push({ op: 'replace', path: '/authorizerId', value: authorizerId });
    }
    if (authType !== (original.authorizationType ?? 'NONE')) out.push({ op: 'replace', path: '/authorizationType', value: authType });
    if (!needsAuthorizer && original.authorizerId) out.push({ op: 'remove', path: '/authorizerId' });
    if (apiKey !== !!original.apiKeyRequired) out.push({ op: 'replace', path: '/apiKeyRequired', value: String(apiKey) });
    if (validatorId !== (original.requestValidatorId ?? '')) {
      out.push(validatorId ? { op: 'replace', path: '/requestValidatorId', value: validatorId } : { op: 'remove', path: '/requestValidatorId' });
    }
    out.push(...mapDiff('/requestParameters', original.requestParameters ?? {}, paramMap(params)));
    out.push(...mapDiff('/requestModels', original.requestModels ?? {}, fromRows(reqModels), ptr));
    return out;
  }, [authType, authorizerId, apiKey, validatorId, params, reqModels, original]);
  useDirty(ops.length > 0);

  const save = async () => {
    if (ops.length === 0) return;
    let updated: Method | null = null;
    if (await action.run(async () => (updated = await methodsApi.update(apiId, resourceId, verb, ops)))) {
      setOriginal({ ...original, ...updated! });
      props.onSaved();
    }
  };

  const [authorizers, validators, models] = lists.data ?? [[], [], []];
  return (
    <Form class="form editor" testid="method-request-editor" onSubmit={save}>
      <h3>Method Request</h3>
      <div class="form-row">
        <Field label="Authorization">
          <select name="authorizationType" value={authType} onChange={(e) => setAuthType(e.currentTarget.value)}>
            {['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        {authType === 'CUSTOM' || authType === 'COGNITO_USER_POOLS' ? (
          <Field label="Authorizer">
            <select name="authorizerId" value={authorizerId} onChange={(e) => setAuthorizerId(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {authorizers
                .filter((a) => (authType === 'CUSTOM' ? a.type !== 'COGNITO_USER_POOLS' : a.type === 'COGNITO_USER_POOLS'))
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.type})
                  </option>
                ))}
            </select>
          </Field>
        ) : null}
        <Field label="Request validator">
          <select name="requestValidatorId" value={validatorId} onChange={(e) => setValidatorId(e.currentTarget.value)}>
            <option value="">None</option>
            {validators.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
        <label class="inline checkbox-field">
          <input type="checkbox" name="apiKeyRequired" checked={apiKey} onChange={(e) => setApiKey(e.currentTarget.checked)} />
          API key required
        </label>
      </div>
      <ErrorBox error={lists.error} />
      <h4>Request parameters</h4>
      <ParamsEditor rows={params} onChange={setParams} />
      <h4>Request models</h4>
      <KeyValueEditor
        rows={reqModels}
        onChange={setReqModels}
        keyLabel="Content type"
        valueLabel="Model"
        keyPlaceholder="application/json"
        valuePlaceholder={models.map((m) => m.name).join(', ') || 'Empty'}
      />
      <ErrorBox error={action.error} testid="method-request-error" />
      <div class="actions">
        <span class="muted small-text">{ops.length ? `${ops.length} unsaved change${ops.length > 1 ? 's' : ''}` : 'No changes'}</span>
        <button type="submit" class="primary" disabled={action.busy || ops.length === 0} data-testid="save-method-request">
          Save
        </button>
      </div>
    </Form>
  );
}
