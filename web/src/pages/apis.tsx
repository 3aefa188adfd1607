// REST APIs: list, filter, create and delete.
import { useState } from 'preact/hooks';
import { restApis, type RestApi } from '../api/apigateway';
import { navigate } from '../router';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, formatDate, Link, Loading, Modal, toast } from '../ui/widgets';

function CreateApiDialog(props: { onClose: () => void; onCreated: (a: RestApi) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  return (
    <Modal title="Create REST API" onClose={props.onClose} testid="create-api-dialog">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          let created: RestApi | null = null;
          if (await action.run(async () => (created = await restApis.create(name.trim(), description.trim())))) {
            props.onCreated(created!);
          }
        }}
      >
        <Field label="Name">
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus />
        </Field>
        <Field label="Description">
          <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy} data-testid="create-api-submit">
            Create API
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ApisPage() {
  const apis = useLoad(() => restApis.list(), []);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const del = useAction();

  const remove = async (a: RestApi) => {
    if (!(await confirmAction(`Delete the API "${a.name}" (${a.id}) with all its resources and stages?`))) return;
    if (await del.run(() => restApis.remove(a.id))) {
      toast(`Deleted ${a.name}`);
      void apis.reload();
    }
  };

  return (
    <section class="page" data-testid="apis-page">
      <header class="page-head">
        <h1>APIs</h1>
        <input
          class="filter"
          data-filter
          placeholder="Filter (press /)"
          aria-label="Filter APIs"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <button type="button" class="primary" onClick={() => setCreating(true)} data-testid="create-api">
          Create API
        </button>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={apis.data} error={apis.error}>
        {(list) => {
          const f = filter.toLowerCase();
          const shown = list
            .filter((a) => !f || a.name.toLowerCase().includes(f) || a.id.includes(f))
            .sort((a, b) => a.name.localeCompare(b.name));
          if (list.length === 0) return <Empty>No REST APIs yet. Create one to start.</Empty>;
          return (
            <table class="table" data-testid="api-list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>ID</th>
                  <th>Description</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {shown.map((a) => (
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
                      <button type="button" class="small danger" onClick={() => remove(a)} aria-label={`Delete ${a.name}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Loading>
      {creating ? (
        <CreateApiDialog
          onClose={() => setCreating(false)}
          onCreated={(a) => {
            setCreating(false);
            toast(`Created ${a.name}`);
            navigate(`/apis/${a.id}/resources`);
          }}
        />
      ) : null}
    </section>
  );
}
