// API keys: list (values hidden until shown), create, delete.
import { useState } from 'preact/hooks';
import { apiKeys as apiKeysApi, type ApiKey } from '../api/apigateway';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, CopyButton, Empty, ErrorBox, Field, formatDate, Loading, Modal, toast } from '../ui/widgets';

function CreateKeyDialog(props: { onClose: () => void; onCreated: (k: ApiKey) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [value, setValue] = useState('');
  const [enabled, setEnabled] = useState(true);
  const action = useAction();
  return (
    <Modal title="Create API key" onClose={props.onClose}>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          let k: ApiKey | null = null;
          const body = { name: name.trim(), description: description.trim(), enabled, ...(value.trim() ? { value: value.trim() } : {}) };
          if (await action.run(async () => (k = await apiKeysApi.create(body)))) props.onCreated(k!);
        }}
      >
        <Field label="Name">
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus />
        </Field>
        <Field label="Description">
          <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <Field label="Value" hint="Leave empty to generate one (20 to 128 characters when given).">
          <input name="value" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </Field>
        <label class="inline checkbox-field">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> Enabled
        </label>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy}>
            Create key
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ApiKeysPage() {
  const list = useLoad(() => apiKeysApi.list(), []);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<Set<string>>(new Set());
  const del = useAction();
  return (
    <section class="page" data-testid="apikeys-page">
      <header class="page-head">
        <h1>API keys</h1>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create API key
        </button>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={list.data} error={list.error}>
        {(items) =>
          items.length === 0 ? (
            <Empty>No API keys. Methods that require a key accept one that is in a usage plan for their stage.</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>ID</th>
                  <th>Value</th>
                  <th>Enabled</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((k) => (
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
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the API key ${k.name ?? k.id}?`))) return;
                          if (await del.run(() => apiKeysApi.remove(k.id))) {
                            toast('Deleted API key');
                            void list.reload();
                          }
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
      {creating ? (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(k) => {
            setCreating(false);
            toast(`Created API key ${k.name ?? k.id}`);
            void list.reload();
          }}
        />
      ) : null}
    </section>
  );
}
