// API keys: list (values hidden until shown), create, delete.
import { useState } from 'preact/hooks';
import { apiKeys as apiKeysApi, type ApiKey } from '../../api/apigateway';
import { DeleteButton } from '../../ui/delete_button';
import { formatDate } from '../../ui/format';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { TextField } from '../../ui/text_field';
import { CopyButton } from '../../ui/widgets';

function CreateKeyDialog(props: { onClose: () => void; onCreated: (k: ApiKey) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [value, setValue] = useState('');
  const [enabled, setEnabled] = useState(true);
  const action = useAction();
  return (
    <FormDialog
      title="Create API key"
      onClose={props.onClose}
      action={action}
      submit="Create key"
      onSubmit={async () => {
        let k: ApiKey | null = null;
        const body = { name: name.trim(), description: description.trim(), enabled, ...(value.trim() ? { value: value.trim() } : {}) };
        if (await action.run(async () => (k = await apiKeysApi.create(body)))) props.onCreated(k!);
      }}
    >
      <TextField label="Name" value={name} onValue={setName} name="name" required autofocus />
      <TextField label="Description" value={description} onValue={setDescription} name="description" />
      <TextField label="Value" hint="Leave empty to generate one (20 to 128 characters when given)." value={value} onValue={setValue} name="value" />
      <label class="inline checkbox-field">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Enabled
      </label>
    </FormDialog>
  );
}

export function ApiKeysPage() {
  const list = useLoad(() => apiKeysApi.list(), []);
  const dialog = useCreateDialog(list.reload);
  const [shown, setShown] = useState<Set<string>>(new Set());
  const del = useAction();
  return (
    <ListPanel title="API keys" level="page" testid="apikeys-page" create={{ label: 'Create API key', onClick: dialog.show }} action={del}>
      <ResourceTable
        list={list}
        columns={['Name', 'ID', 'Value', 'Enabled', 'Created', '']}
        empty="No API keys. Methods that require a key accept one that is in a usage plan for their stage."
        row={(k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td>
              <code>{k.id}</code>
            </td>
            <td>
              {shown.has(k.id) ? <code>{k.value}</code> : <span class="muted">••••••••</span>}{' '}
              <button
                type="button"
                class="link-button"
                onClick={() => setShown((s) => (s.has(k.id) ? new Set([...s].filter((x) => x !== k.id)) : new Set(s).add(k.id)))}
              >
                {shown.has(k.id) ? 'hide' : 'show'}
              </button>{' '}
              {k.value ? <CopyButton text={k.value} /> : null}
            </td>
            <td>{k.enabled ? 'yes' : 'no'}</td>
            <td class="muted">{formatDate(k.createdDate)}</td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Delete the API key ${k.name ?? k.id}?`}
                run={() => apiKeysApi.remove(k.id)}
                toast="Deleted API key"
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
      {dialog.open ? <CreateKeyDialog onClose={dialog.close} onCreated={(k) => dialog.created(`Created API key ${k.name ?? k.id}`)} /> : null}
    </ListPanel>
  );
}
