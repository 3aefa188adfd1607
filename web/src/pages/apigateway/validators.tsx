// Request validators of one API: list, create (inline form), delete.
import { useState } from 'preact/hooks';
import { validators as validatorsApi } from '../../api/apigateway';
import { DeleteButton } from '../../ui/delete_button';
import { useAction, useLoad } from '../../ui/hooks';
import { InlineForm } from '../../ui/inline_form';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { ErrorBox, toast } from '../../ui/widgets';

export function ValidatorsSection(props: { apiId: string }) {
  const list = useLoad(() => validatorsApi.list(props.apiId), [props.apiId]);
  const [name, setName] = useState('');
  const [body, setBody] = useState(true);
  const [params, setParams] = useState(true);
  const create = useAction();
  const del = useAction();
  return (
    <ListPanel title="Request validators" level="panel" testid="validators">
      <InlineForm
        busy={create.busy}
        submit="Create validator"
        onSubmit={async () => {
          if (await create.run(() => validatorsApi.create(props.apiId, { name: name.trim(), validateRequestBody: body, validateRequestParameters: params }))) {
            toast(`Created ${name.trim()}`);
            setName('');
            void list.reload();
          }
        }}
      >
        <TextField label="Name" value={name} onValue={setName} name="name" required placeholder="body-and-params" />
        <label class="inline checkbox-field">
          <input type="checkbox" checked={body} onChange={(e) => setBody(e.currentTarget.checked)} /> Validate body
        </label>
        <label class="inline checkbox-field">
          <input type="checkbox" checked={params} onChange={(e) => setParams(e.currentTarget.checked)} /> Validate parameters
        </label>
      </InlineForm>
      <ErrorBox error={create.error ?? del.error} />
      <ResourceTable
        list={list}
        columns={['Name', 'ID', 'Body', 'Parameters', '']}
        empty="No request validators."
        row={(v) => (
          <tr key={v.id}>
            <td>{v.name}</td>
            <td>
              <code>{v.id}</code>
            </td>
            <td>{v.validateRequestBody ? 'yes' : 'no'}</td>
            <td>{v.validateRequestParameters ? 'yes' : 'no'}</td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Delete the validator ${v.name}?`}
                run={() => validatorsApi.remove(props.apiId, v.id)}
                toast={`Deleted ${v.name}`}
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
    </ListPanel>
  );
}
