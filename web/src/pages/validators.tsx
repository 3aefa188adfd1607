// Request validators of one API: list, create (inline form), delete.
import { useState } from 'preact/hooks';
import { validators as validatorsApi } from '../api/apigateway';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, Loading, toast } from '../ui/widgets';

export function ValidatorsSection(props: { apiId: string }) {
  const list = useLoad(() => validatorsApi.list(props.apiId), [props.apiId]);
  const [name, setName] = useState('');
  const [body, setBody] = useState(true);
  const [params, setParams] = useState(true);
  const create = useAction();
  const del = useAction();
  return (
    <div class="panel" data-testid="validators">
      <header class="panel-head">
        <h2>Request validators</h2>
      </header>
      <form
        class="form-row inline-create"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await create.run(() => validatorsApi.create(props.apiId, { name: name.trim(), validateRequestBody: body, validateRequestParameters: params }))) {
            toast(`Created ${name.trim()}`);
            setName('');
            void list.reload();
          }
        }}
      >
        <Field label="Name">
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required placeholder="body-and-params" />
        </Field>
        <label class="inline checkbox-field">
          <input type="checkbox" checked={body} onChange={(e) => setBody(e.currentTarget.checked)} /> Validate body
        </label>
        <label class="inline checkbox-field">
          <input type="checkbox" checked={params} onChange={(e) => setParams(e.currentTarget.checked)} /> Validate parameters
        </label>
        <button type="submit" class="primary" disabled={create.busy}>
          Create validator
        </button>
      </form>
      <ErrorBox error={create.error ?? del.error} />
      <Loading data={list.data} error={list.error}>
        {(items) =>
          items.length === 0 ? (
            <Empty>No request validators.</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>ID</th>
                  <th>Body</th>
                  <th>Parameters</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.id}>
                    <td>{v.name}</td>
                    <td>
                      <code>{v.id}</code>
                    </td>
                    <td>{v.validateRequestBody ? 'yes' : 'no'}</td>
                    <td>{v.validateRequestParameters ? 'yes' : 'no'}</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the validator ${v.name}?`))) return;
                          if (await del.run(() => validatorsApi.remove(props.apiId, v.id))) {
                            toast(`Deleted ${v.name}`);
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
    </div>
  );
}
