// Gateway responses of one API: every response type with its status; customise one
// (status, headers, templates) with PutGatewayResponse or reset it to the default.
// Changes take effect with the next deployment.
import { useState } from 'preact/hooks';
import { gatewayResponses as grApi, type GatewayResponse } from '../api/apigateway';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, ErrorBox, Field, KeyValueEditor, Loading, Modal, fromRows, toRows, toast, type KvRow } from '../ui/widgets';
import { TemplatesEditor } from './templates_editor';

function EditDialog(props: { apiId: string; response: GatewayResponse; onClose: () => void; onSaved: () => void }) {
  const r = props.response;
  const [status, setStatus] = useState(r.statusCode ?? '');
  const [headers, setHeaders] = useState<KvRow[]>(() => toRows(r.responseParameters));
  const [templates, setTemplates] = useState<Record<string, string>>(() => ({ ...(r.responseTemplates ?? {}) }));
  const action = useAction();
  const save = async () => {
    const body: Omit<GatewayResponse, 'responseType'> = { responseParameters: fromRows(headers), responseTemplates: templates };
    if (status.trim()) body.statusCode = status.trim();
    if (await action.run(() => grApi.put(props.apiId, r.responseType, body))) props.onSaved();
  };
  return (
    <Modal title={`Gateway response ${r.responseType}`} onClose={props.onClose} wide>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field label="Status code" hint="Empty keeps the type's default.">
          <input name="statusCode" value={status} onInput={(e) => setStatus(e.currentTarget.value)} placeholder="403" />
        </Field>
        <h4>Response headers</h4>
        <KeyValueEditor
          rows={headers}
          onChange={setHeaders}
          keyLabel="Header"
          valueLabel="Value"
          keyPlaceholder="gatewayresponse.header.Access-Control-Allow-Origin"
          valuePlaceholder="'*'"
        />
        <h4>Templates</h4>
        <TemplatesEditor templates={templates} onChange={setTemplates} onSave={() => void save()} />
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function GatewayResponsesSection(props: { apiId: string }) {
  const list = useLoad(() => grApi.list(props.apiId), [props.apiId]);
  const [editing, setEditing] = useState<GatewayResponse | null>(null);
  const del = useAction();
  return (
    <div class="panel" data-testid="gateway-responses">
      <header class="panel-head">
        <h2>Gateway responses</h2>
        <span class="muted small-text">Changes apply with the next deployment.</span>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={list.data} error={list.error}>
        {(items) => (
          <table class="table">
            <thead>
              <tr>
                <th>Type</th>
                <th>Status</th>
                <th>Customised</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...items]
                .sort((a, b) => a.responseType.localeCompare(b.responseType))
                .map((g) => (
                  <tr key={g.responseType}>
                    <td>
                      <code>{g.responseType}</code>
                    </td>
                    <td>{g.statusCode ?? ''}</td>
                    <td>{g.defaultResponse === false ? <span class="badge">customised</span> : <span class="muted">default</span>}</td>
                    <td class="row-actions">
                      <button type="button" class="small" onClick={() => setEditing(g)}>
                        Edit
                      </button>
                      {g.defaultResponse === false ? (
                        <button
                          type="button"
                          class="small danger"
                          onClick={async () => {
                            if (!(await confirmAction(`Reset ${g.responseType} to its default?`, 'Reset'))) return;
                            if (await del.run(() => grApi.remove(props.apiId, g.responseType))) {
                              toast(`Reset ${g.responseType}`);
                              void list.reload();
                            }
                          }}
                        >
                          Reset
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Loading>
      {editing ? (
        <EditDialog
          apiId={props.apiId}
          response={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            toast(`Saved ${editing.responseType}`);
            setEditing(null);
            void list.reload();
          }}
        />
      ) : null}
    </div>
  );
}
