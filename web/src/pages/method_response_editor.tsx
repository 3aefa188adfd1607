// Method Response editor: the status codes the method may answer, each with its
// declared headers and response models. Each saves with PutMethodResponse.
import { useMemo, useState } from 'preact/hooks';
import { methods as methodsApi, type Method, type MethodResponse } from '../api/apigateway';
import { useDirty } from '../router';
import { useAction } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, KeyValueEditor, fromRows, toRows, type KvRow } from '../ui/widgets';

interface Draft {
  statusCode: string;
  headers: KvRow[]; // name (without method.response.header.) → "true"/"false"
  models: KvRow[];
  isNew: boolean;
}

const HEADER_PREFIX = 'method.response.header.';

function draftFrom(r: MethodResponse, isNew = false): Draft {
  return {
    statusCode: r.statusCode,
    headers: toRows(r.responseParameters).map((row) => ({
      key: row.key.startsWith(HEADER_PREFIX) ? row.key.slice(HEADER_PREFIX.length) : row.key,
      value: row.value,
    })),
    models: toRows(r.responseModels),
    isNew,
  };
}

function bodyFrom(d: Draft): Partial<MethodResponse> {
  const responseParameters: Record<string, boolean> = {};
  for (const r of d.headers) if (r.key.trim()) responseParameters[HEADER_PREFIX + r.key.trim()] = r.value === 'true';
  return { responseParameters, responseModels: fromRows(d.models) };
}

export function MethodResponseEditor(props: {
  apiId: string;
  resourceId: string;
  verb: string;
  method: Method;
  onSaved: () => void;
}) {
  const { apiId, resourceId, verb } = props;
  const [originals, setOriginals] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(Object.values(props.method.methodResponses ?? {}).map((r) => [r.statusCode, draftFrom(r)])),
  );
  const [drafts, setDrafts] = useState(originals);
  const codes = Object.keys(drafts).sort();
  const [selected, setSelected] = useState(codes[0] ?? '');
  const [newCode, setNewCode] = useState('');
  const action = useAction();
  const current = drafts[selected];
  const dirtyCodes = useMemo(
    () =>
      codes.filter((c) => {
        const o = originals[c];
        return !o || drafts[c]!.isNew || JSON.stringify(bodyFrom(drafts[c]!)) !== JSON.stringify(bodyFrom(o));
      }),
    [drafts, originals],
  );
  useDirty(dirtyCodes.length > 0);

  const update = (p: Partial<Draft>) => setDrafts((d) => ({ ...d, [selected]: { ...d[selected]!, ...p } }));

  const add = () => {
    const code = newCode.trim();
    if (!/^[1-5]\d\d$/.test(code)) {
      void action.run(() => Promise.reject(new Error('A status code is three digits, 100 to 599.')));
      return;
    }
    if (!drafts[code]) setDrafts((d) => ({ ...d, [code]: draftFrom({ statusCode: code }, true) }));
    setSelected(code);
    setNewCode('');
    action.clear();
  };

  const save = async () => {
    if (!current) return;
    let saved: MethodResponse | null = null;
    if (await action.run(async () => (saved = await methodsApi.putMethodResponse(apiId, resourceId, verb, current.statusCode, bodyFrom(current))))) {
      const d = draftFrom({ ...saved!, statusCode: current.statusCode });
      setOriginals((o) => ({ ...o, [d.statusCode]: d }));
      setDrafts((all) => ({ ...all, [d.statusCode]: d }));
      props.onSaved();
    }
  };

  const remove = async () => {
    if (!current) return;
    const drop = () => {
      const { [selected]: _d, ...rest } = drafts;
      const { [selected]: _o, ...restO } = originals;
      setDrafts(rest);
      setOriginals(restO);
      setSelected(Object.keys(rest).sort()[0] ?? '');
    };
    if (current.isNew) return drop();
    if (!(await confirmAction(`Delete the ${selected} method response?`))) return;
    if (await action.run(() => methodsApi.removeMethodResponse(apiId, resourceId, verb, selected))) {
      drop();
      props.onSaved();
    }
  };

  return (
    <div class="form editor" data-testid="method-response-editor">
      <h3>Method Response</h3>
      <div class="subsplit">
        <ul class="status-list" aria-label="Method responses">
          {codes.map((c) => (
            <li key={c}>
              <button
                type="button"
                class={c === selected ? 'status-item active' : 'status-item'}
                onClick={() => setSelected(c)}
                data-testid={`method-response-${c}`}
              >
                <strong>{c}</strong>
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
            <h4>Response headers</h4>
            <KeyValueEditor
              rows={current.headers}
              onChange={(headers) => update({ headers })}
              keyLabel="Header"
              valueLabel="Required"
              valueKind="bool"
              keyPlaceholder="Access-Control-Allow-Origin"
            />
            <h4>Response models</h4>
            <KeyValueEditor
              rows={current.models}
              onChange={(models) => update({ models })}
              keyLabel="Content type"
              valueLabel="Model"
              keyPlaceholder="application/json"
              valuePlaceholder="Empty"
            />
            <ErrorBox error={action.error} testid="method-response-error" />
            <div class="actions">
              <button type="button" class="danger" onClick={remove} disabled={action.busy}>
                {current.isNew ? 'Discard' : 'Delete'}
              </button>
              <span class="spacer" />
              <button
                type="submit"
                class="primary"
                disabled={action.busy || !dirtyCodes.includes(selected)}
                data-testid="save-method-response"
              >
                Save {current.statusCode}
              </button>
            </div>
          </form>
        ) : (
          <div class="grow">
            <ErrorBox error={action.error} />
            <Empty>No method responses declared.</Empty>
          </div>
        )}
      </div>
    </div>
  );
}
