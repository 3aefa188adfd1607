// Gateway responses of one API: every response type with its status; customise one
// (status, headers, templates) with PutGatewayResponse or reset it to the default.
// Changes take effect with the next deployment.
import { useState } from 'preact/hooks';
import { gatewayResponses as grApi, type GatewayResponse } from '../../api/apigateway';
import { DeleteButton } from '../../ui/delete_button';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { KeyValueEditor, fromRows, toRows, toast, type KvRow } from '../../ui/widgets';
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
    <FormDialog title={`Gateway response ${r.responseType}`} onClose={props.onClose} wide action={action} submit="Save" onSubmit={save}>
      <TextField label="Status code" hint="Empty keeps the type's default." value={status} onValue={setStatus} name="statusCode" placeholder="403" />
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
    </FormDialog>
  );
}

export function GatewayResponsesSection(props: { apiId: string }) {
  const list = useLoad(() => grApi.list(props.apiId), [props.apiId]);
  const [editing, setEditing] = useState<GatewayResponse | null>(null);
  const del = useAction();
  return (
    <ListPanel
      title="Gateway responses"
      level="panel"
      testid="gateway-responses"
      note={<span class="muted small-text">Changes apply with the next deployment.</span>}
      action={del}
    >
      <ResourceTable
        list={list}
        columns={['Type', 'Status', 'Customised', '']}
        shown={(items) => [...items].sort((a, b) => a.responseType.localeCompare(b.responseType))}
        row={(g) => (
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
                <DeleteButton
                  action={del}
                  label="Reset"
                  verb="Reset"
                  confirm={`Reset ${g.responseType} to its default?`}
                  run={() => grApi.remove(props.apiId, g.responseType)}
                  toast={`Reset ${g.responseType}`}
                  onDone={list.reload}
                />
              ) : null}
            </td>
          </tr>
        )}
      />
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
    </ListPanel>
  );
}
