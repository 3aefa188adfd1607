// Integration Response editor: one entry per status code with its selection pattern,
// header mappings and response templates. Each entry saves with
// PutIntegrationResponse; edits to several entries are kept while switching.
import { useMemo, useState } from 'preact/hooks';
import { methods as methodsApi, type IntegrationResponse, type Method } from '../api/apigateway';
import { useDirty } from '../router';
import { useAction } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, KeyValueEditor, fromRows, toRows, type KvRow } from '../ui/widgets';
import { TemplatesEditor } from './templates_editor';

interface Draft {
  statusCode: string;
  selectionPattern: string;
  contentHandling: string;
  responseParameters: KvRow[];
  responseTemplates: Record<string, string>;
  isNew: boolean;
}

function draftFrom(r: IntegrationResponse, isNew = false): Draft {
  return {
    statusCode: r.statusCode,
    selectionPattern: r.selectionPattern ?? '',
    contentHandling: r.contentHandling ?? '',
    responseParameters: toRows(r.responseParameters),
    responseTemplates: { ...(r.responseTemplates ?? {}) },
    isNew,
  };
}

function bodyFrom(d: Draft): Partial<IntegrationResponse> {
  const body: Partial<IntegrationResponse> = {
    selectionPattern: d.selectionPattern,
    responseParameters: fromRows(d.responseParameters),
    responseTemplates: d.responseTemplates,
  };
  if (d.contentHandling) body.contentHandling = d.contentHandling;
  return body;
}

const same = (a: Draft, b: Draft) => !a.isNew && JSON.stringify(bodyFrom(a)) === JSON.stringify(bodyFrom(b));

export function IntegrationResponseEditor(props: {
  apiId: string;
  resourceId: string;
  verb: string;
  method: Method;
  onSaved: () => void;
}) {
  const { apiId, resourceId, verb } = props;
  const integration = props.method.methodIntegration;
  const [originals, setOriginals] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(Object.values(integration?.integrationResponses ?? {}).map((r) => [r.statusCode, draftFrom(r)])),
  );
  const [drafts, setDrafts] = useState<Record<string, Draft>>(originals);
  const codes = Object.keys(drafts).sort();
  const [selected, setSelected] = useState(codes[0] ?? '');
  const [newCode, setNewCode] = useState('');
  const action = useAction();
  const current = drafts[selected];
  const dirtyCodes = useMemo(
    () => codes.filter((c) => !originals[c] || !same(drafts[c]!, originals[c]!)),
    [drafts, originals],
  );
  useDirty(dirtyCodes.length > 0);

  if (!integration) return <Empty>Set up the integration request first.</Empty>;
  const proxy = integration.type === 'AWS_PROXY' || integration.type === 'HTTP_PROXY';

  const update = (p: Partial<Draft>) => setDrafts((d) => ({ ...d, [selected]: { ...d[selected]!, ...p } }));

  const add = () => {
    const code = newCode.trim();
    if (!/^[1-5]\d\d$/.test(code)) {
      void action.run(() => Promise.reject(new Error('A status code is three digits, 100 to 599.')));
      return;
    }
    if (!drafts[code]) {
      setDrafts((d) => ({
        ...d,
        [code]: draftFrom({ statusCode: code, selectionPattern: code.startsWith('2') ? '' : `${code[0]}\\d{2}` }, true),
      }));
    }
    setSelected(code);
    setNewCode('');
    action.clear();
  };

  const save = async () => {
    if (!current) return;
    let saved: IntegrationResponse | null = null;
    const ok = await action.run(async () => {
      saved = await methodsApi.putIntegrationResponse(apiId, resourceId, verb, current.statusCode, bodyFrom(current));
    });
    if (ok) {
      const d = draftFrom(saved!);
      setOriginals((o) => ({ ...o, [d.statusCode]: d }));
      setDrafts((all) => ({ ...all, [d.statusCode]: d }));
      props.onSaved();
    }
  };

  const remove = async () => {
    if (!current) return;
    if (current.isNew) {
      const { [selected]: _gone, ...rest } = drafts;
      setDrafts(rest);
      setSelected(Object.keys(rest).sort()[0] ?? '');
      return;
    }
    if (!(await confirmAction(`Delete the ${selected} integration response?`))) return;
    if (await action.run(() => methodsApi.removeIntegrationResponse(apiId, resourceId, verb, selected))) {
      const { [selected]: _a, ...restD } = drafts;
      const { [selected]: _b, ...restO } = originals;
      setDrafts(restD);
      setOriginals(restO);
      setSelected(Object.keys(restD).sort()[0] ?? '');
      props.onSaved();
    }
  };

  return (
    <div class="form editor" data-testid="integration-response-editor">
      <h3>Integration Response</h3>
      {proxy ? <p class="muted small-text">A proxy integration's response goes to the client unchanged; entries here are not used.</p> : null}
      <div class="subsplit">
        <ul class="status-list" aria-label="Integration responses">
          {codes.map((c) => (
            <li key={c}>
              <button
                type="button"
                class={c === selected ? 'status-item active' : 'status-item'}
                onClick={() => setSelected(c)}
                data-testid={`integration-response-${c}`}
              >
                <strong>{c}</strong>
                <span class="muted small-text">{drafts[c]!.selectionPattern ? `/${drafts[c]!.selectionPattern}/` : 'default'}</span>
                {dirtyCodes.includes(c) ? <span class="dot" title="Unsaved" /> : null}
              </button>
            </li>
          ))}
          <li class="status-add">
            <input
              value={newCode}
              placeholder="400"
              aria-label="New status code"
              onInput={(e) => setNewCode(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  add();
                }
              }}
            />
            <button type="button" class="small" onClick={add}>
              + Add
            </button>
          </li>
        </ul>
        {current ? (
          <form
            class="form grow"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <h4>Response {current.statusCode}</h4>
            <div class="form-row">
              <Field
                label="Selection pattern"
                wide
                hint="A regex on the Lambda errorMessage or the backend status code; empty = the default response."
              >
                <input
                  name="selectionPattern"
                  value={current.selectionPattern}
                  onInput={(e) => update({ selectionPattern: e.currentTarget.value })}
                  placeholder="(default)"
                />
              </Field>
              <Field label="Content handling">
                <select value={current.contentHandling} onChange={(e) => update({ contentHandling: e.currentTarget.value })}>
                  <option value="">Passthrough</option>
                  <option>CONVERT_TO_TEXT</option>
                  <option>CONVERT_TO_BINARY</option>
                </select>
              </Field>
            </div>
            <h4>Header mappings</h4>
            <KeyValueEditor
              rows={current.responseParameters}
              onChange={(responseParameters) => update({ responseParameters })}
              keyLabel="Response header"
              valueLabel="Mapped from"
              keyPlaceholder="method.response.header.X-Id"
              valuePlaceholder="integration.response.header.x-id or 'static'"
            />
            <h4>Mapping templates</h4>
            <TemplatesEditor
              key={selected}
              templates={current.responseTemplates}
              onChange={(responseTemplates) => update({ responseTemplates })}
              onSave={() => void save()}
              testid="response-templates"
            />
            <ErrorBox error={action.error} testid="integration-response-error" />
            <div class="actions">
              <button type="button" class="danger" onClick={remove} disabled={action.busy}>
                {current.isNew ? 'Discard' : 'Delete'}
              </button>
              <span class="spacer" />
              <span class="muted small-text">{dirtyCodes.includes(selected) ? 'Unsaved changes · Ctrl+S saves' : 'No changes'}</span>
              <button
                type="submit"
                class="primary"
                disabled={action.busy || !dirtyCodes.includes(selected)}
                data-testid="save-integration-response"
              >
                Save {current.statusCode}
              </button>
            </div>
          </form>
        ) : (
          <div class="grow">
            <ErrorBox error={action.error} />
            <Empty>No integration responses. Add a status code to map the backend's answer.</Empty>
          </div>
        )}
      </div>
    </div>
  );
}
