// REST APIs: list, filter, create and delete.
import { useState } from 'preact/hooks';
import { restApis, type RestApi } from '../../api/apigateway';
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

export function ApisPage() {
  const apis = useLoad(() => restApis.list(), []);
  const filter = useFilter('Filter APIs');
  const dialog = useCreateDialog();
  const del = useAction();

  return (
    <ListPanel
      title="APIs"
      level="page"
      testid="apis-page"
      filter={filter}
      create={{ label: 'Create API', onClick: dialog.show, testid: 'create-api' }}
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
