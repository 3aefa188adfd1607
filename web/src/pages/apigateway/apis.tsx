// REST APIs: list, filter, create and delete.
import { useState } from 'preact/hooks';
import { restApis, type ImportedApi, type RestApi } from '../../api/apigateway';
import { navigate } from '../../router';
import { DeleteButton } from '../../ui/delete_button';
import { formatDate } from '../../ui/format';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { useFilter } from '../../ui/use_filter';
import { TextField } from '../../ui/text_field';
import { Link } from '../../ui/widgets';

function CreateApiDialog(props: { onClose: () => void; onCreated: (a: RestApi) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  return (
    <FormDialog
      title="Create REST API"
      onClose={props.onClose}
      testid="create-api-dialog"
      action={action}
      submit="Create API"
      submitTestid="create-api-submit"
      onSubmit={async () => {
        let created: RestApi | null = null;
        if (await action.run(async () => (created = await restApis.create(name.trim(), description.trim())))) {
          props.onCreated(created!);
        }
      }}
    >
      <TextField label="Name" value={name} onValue={setName} name="name" required autofocus />
      <TextField label="Description" value={description} onValue={setDescription} name="description" />
    </FormDialog>
  );
}

/** Import an OpenAPI / Swagger document (pasted or uploaded) as a new API, or into an existing one. */
function ImportApiDialog(props: { apis: RestApi[]; onClose: () => void; onImported: (a: ImportedApi) => void }) {
  const [text, setText] = useState('');
  const [target, setTarget] = useState('');
  const [mode, setMode] = useState<'merge' | 'overwrite'>('merge');
  const [failOnWarnings, setFailOnWarnings] = useState(false);
  const [done, setDone] = useState<ImportedApi | null>(null);
  const action = useAction();
  if (done) {
    return (
      <FormDialog title="Imported" onClose={() => props.onImported(done)} testid="import-api-dialog" action={action}
        submit={`Open ${done.name}`} submitTestid="import-api-open" onSubmit={() => props.onImported(done)}>
        <p>Imported {done.name} with these warnings:</p>
        <ul data-testid="import-warnings">
          {(done.warnings ?? []).map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </FormDialog>
    );
  }
  return (
    <FormDialog
      title="Import API"
      wide
      onClose={props.onClose}
      testid="import-api-dialog"
      action={action}
      submit="Import"
      submitTestid="import-api-submit"
      submitDisabled={!text.trim()}
      onSubmit={async () => {
        let imported: ImportedApi | null = null;
        const ok = await action.run(async () => {
          imported = target
            ? await restApis.putDocument(target, text, mode)
            : await restApis.importDocument(text, failOnWarnings);
        });
        if (!ok || !imported) return;
        const result: ImportedApi = imported;
        if (result.warnings?.length) setDone(result);
        else props.onImported(result);
      }}
    >
      <label class="field">
        <span class="field-label">OpenAPI 3.0 or Swagger 2.0 document (JSON or YAML)</span>
        <textarea name="document" rows={16} class="code" value={text} data-testid="import-document"
          onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span class="field-label">Or upload a file</span>
        <input type="file" accept=".json,.yaml,.yml" data-testid="import-file"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file) setText(await file.text());
          }} />
      </label>
      <label class="field">
        <span class="field-label">Into</span>
        <select name="target" value={target} onChange={(e) => setTarget(e.currentTarget.value)} data-testid="import-target">
          <option value="">A new API</option>
          {props.apis.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.id})
            </option>
          ))}
        </select>
      </label>
      {target ? (
        <label class="field">
          <span class="field-label">Mode</span>
          <select name="mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as 'merge' | 'overwrite')}
            data-testid="import-mode">
            <option value="merge">Merge (keep what the document does not name)</option>
            <option value="overwrite">Overwrite (only what the document describes)</option>
          </select>
        </label>
      ) : (
        <label class="check">
          <input type="checkbox" checked={failOnWarnings} onChange={(e) => setFailOnWarnings(e.currentTarget.checked)} />
          Fail on warnings
        </label>
      )}
    </FormDialog>
  );
}

export function ApisPage() {
  const apis = useLoad(() => restApis.list(), []);
  const filter = useFilter('Filter APIs');
  const dialog = useCreateDialog();
  const importDialog = useCreateDialog();
  const del = useAction();

  return (
    <ListPanel
      title="APIs"
      level="page"
      testid="apis-page"
      filter={filter}
      create={{ label: 'Create API', onClick: dialog.show, testid: 'create-api' }}
      note={
        <button type="button" onClick={importDialog.show} data-testid="import-api">
          Import API
        </button>
      }
      action={del}
    >
      <ResourceTable
        list={apis}
        testid="api-list"
        columns={['Name', 'ID', 'Description', 'Created', '']}
        empty="No REST APIs yet. Create one to start."
        shown={(list) => {
          const f = filter.text;
          return list.filter((a) => !f || a.name.toLowerCase().includes(f) || a.id.includes(f)).sort((a, b) => a.name.localeCompare(b.name));
        }}
        row={(a) => (
          <tr key={a.id}>
            <td>
              <Link to={`/apis/${a.id}/resources`} testid={`api-link-${a.name}`}>
                {a.name}
              </Link>
            </td>
            <td>
              <code>{a.id}</code>
            </td>
            <td class="muted">{a.description}</td>
            <td class="muted">{formatDate(a.createdDate)}</td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Delete the API "${a.name}" (${a.id}) with all its resources and stages?`}
                run={() => restApis.remove(a.id)}
                toast={`Deleted ${a.name}`}
                onDone={apis.reload}
                ariaLabel={`Delete ${a.name}`}
              />
            </td>
          </tr>
        )}
      />
      {importDialog.open ? (
        <ImportApiDialog
          apis={apis.data ?? []}
          onClose={importDialog.close}
          onImported={(a) => {
            importDialog.created(`Imported ${a.name}`);
            navigate(`/apis/${a.id}/resources`);
          }}
        />
      ) : null}
      {dialog.open ? (
        <CreateApiDialog
          onClose={dialog.close}
          onCreated={(a) => {
            dialog.created(`Created ${a.name}`);
            navigate(`/apis/${a.id}/resources`);
          }}
        />
      ) : null}
    </ListPanel>
  );
}
