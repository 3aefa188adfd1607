// Integration Request editor: the integration type and target, passthrough behaviour,
// timeout, response transfer mode (proxies), parameter mappings and request mapping templates. Saves with PutIntegration
// (the integration responses are separate resources and are kept).
import { useMemo, useState } from 'preact/hooks';
import { INTEGRATION_TYPES, methods as methodsApi, type Integration } from '../../../api/apigateway';
import { useDirty } from '../../../router';
import { Form } from '../../../ui/form';
import { useAction } from '../../../ui/hooks';
import { TextField } from '../../../ui/text_field';
import { ErrorBox, Field, KeyValueEditor, fromRows, toRows, type KvRow } from '../../../ui/widgets';
import { TemplatesEditor } from '../templates_editor';
import { ContentHandlingField } from './content_handling_field';
import type { MethodEditorProps } from './editor_props';
import { IntegrationTarget, type TargetValue } from './integration_target';

interface Draft {
  type: string;
  target: TargetValue;
  passthroughBehavior: string;
  timeoutInMillis: string;
  responseTransferMode: string;
  contentHandling: string;
  requestParameters: KvRow[];
  requestTemplates: Record<string, string>;
}

function draftFrom(i: Integration | undefined): Draft {
  return {
    type: i?.type ?? 'MOCK',
    target: { httpMethod: i?.httpMethod ?? 'GET', uri: i?.uri ?? '' },
    passthroughBehavior: i?.passthroughBehavior ?? 'WHEN_NO_MATCH',
    timeoutInMillis: String(i?.timeoutInMillis ?? 29000),
    responseTransferMode: i?.responseTransferMode ?? 'BUFFERED',
    contentHandling: i?.contentHandling ?? '',
    requestParameters: toRows(i?.requestParameters),
    requestTemplates: { ...(i?.requestTemplates ?? {}) },
  };
}

function bodyFrom(d: Draft, original: Integration | undefined): Integration {
  const body: Integration = {
    type: d.type,
    passthroughBehavior: d.passthroughBehavior,
    timeoutInMillis: Number(d.timeoutInMillis),
    requestParameters: fromRows(d.requestParameters),
    requestTemplates: d.requestTemplates,
  };
  if (d.type !== 'MOCK') {
    body.httpMethod = d.type === 'AWS_PROXY' ? 'POST' : d.target.httpMethod;
    body.uri = d.target.uri;
  }
  if (d.contentHandling) body.contentHandling = d.contentHandling;
  if (d.type === 'AWS_PROXY' || d.type === 'HTTP_PROXY') body.responseTransferMode = d.responseTransferMode;
  if (original?.credentials) body.credentials = original.credentials;
  return body;
}

export function IntegrationRequestEditor(props: MethodEditorProps) {
  const [original, setOriginal] = useState(props.method.methodIntegration);
  const [draft, setDraft] = useState(() => draftFrom(original));
  const action = useAction();
  const set = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));
  const dirty = useMemo(
    () => JSON.stringify(bodyFrom(draft, original)) !== JSON.stringify(bodyFrom(draftFrom(original), original)),
    [draft, original],
  );
  useDirty(dirty);
  const proxy = draft.type === 'AWS_PROXY' || draft.type === 'HTTP_PROXY';

  const streamed = proxy && draft.responseTransferMode === 'STREAM';
  const maxTimeout = streamed ? 900000 : 29000; // streamed responses may take 15 minutes

  const save = async () => {
    const timeout = Number(draft.timeoutInMillis);
    if (!Number.isInteger(timeout) || timeout < 50 || timeout > maxTimeout) {
      action.run(() => Promise.reject(new Error(`Timeout must be a whole number of milliseconds from 50 to ${maxTimeout}.`)));
      return;
    }
    let saved: Integration | null = null;
    if (await action.run(async () => (saved = await methodsApi.putIntegration(props.apiId, props.resourceId, props.verb, bodyFrom(draft, original))))) {
      setOriginal(saved!);
      setDraft(draftFrom(saved!));
      props.onSaved();
    }
  };

  return (
    <Form class="form editor" testid="integration-request-editor" onSubmit={save}>
      <h3>Integration Request</h3>
      <div class="form-row">
        <Field label="Integration type">
          <select name="type" value={draft.type} onChange={(e) => set({ type: e.currentTarget.value })}>
            {INTEGRATION_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Passthrough behaviour" hint="When no template matches">
          <select name="passthroughBehavior" value={draft.passthroughBehavior} onChange={(e) => set({ passthroughBehavior: e.currentTarget.value })}>
            <option>WHEN_NO_MATCH</option>
            <option>WHEN_NO_TEMPLATES</option>
            <option>NEVER</option>
          </select>
        </Field>
        <TextField
          label="Timeout (ms)"
          value={draft.timeoutInMillis}
          onValue={(timeoutInMillis) => set({ timeoutInMillis })}
          name="timeoutInMillis"
          type="number"
          min={50}
          max={maxTimeout}
        />
        {proxy ? (
          <Field label="Response transfer mode" hint="STREAM relays the response as it arrives">
            <select
              name="responseTransferMode"
              value={draft.responseTransferMode}
              onChange={(e) => set({ responseTransferMode: e.currentTarget.value })}
            >
              <option>BUFFERED</option>
              <option>STREAM</option>
            </select>
          </Field>
        ) : null}
        <ContentHandlingField name="contentHandling" value={draft.contentHandling} onChange={(contentHandling) => set({ contentHandling })} />
      </div>
      <IntegrationTarget type={draft.type} value={draft.target} onChange={(target) => set({ target })} />
      {draft.type === 'MOCK' || proxy ? null : (
        <>
          <h4>Parameter mappings</h4>
          <KeyValueEditor
            rows={draft.requestParameters}
            onChange={(requestParameters) => set({ requestParameters })}
            keyLabel="Integration parameter"
            valueLabel="Mapped from"
            keyPlaceholder="integration.request.header.x-id"
            valuePlaceholder="method.request.querystring.id"
          />
        </>
      )}
      {proxy ? (
        <p class="muted small-text">Proxy integrations pass the request through; mapping templates do not apply.</p>
      ) : (
        <>
          <h4>Mapping templates</h4>
          <TemplatesEditor
            templates={draft.requestTemplates}
            onChange={(requestTemplates) => set({ requestTemplates })}
            onSave={() => void save()}
            testid="request-templates"
          />
        </>
      )}
      <ErrorBox error={action.error} testid="integration-request-error" />
      <div class="actions">
        <span class="muted small-text">{dirty ? 'Unsaved changes · Ctrl+S saves' : 'No changes'}</span>
        <button type="submit" class="primary" disabled={action.busy || !dirty} data-testid="save-integration-request">
          Save
        </button>
      </div>
    </Form>
  );
}
