// Models of one API (JSON Schema draft 4): list with schema preview, create, delete.
import { useState } from 'preact/hooks';
import { models as modelsApi } from '../../api/apigateway';
import { CodeEditor } from '../../editor/code_editor';
import { DeleteButton } from '../../ui/delete_button';
import { prettyBody } from '../../ui/format';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { TextField } from '../../ui/text_field';
import { Field } from '../../ui/widgets';

const SCHEMA_TEMPLATE = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "title": "Pet",
  "type": "object",
  "properties": {
    "name": { "type": "string" }
  },
  "required": ["name"]
}`;

function CreateModelDialog(props: { apiId: string; onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [contentType, setContentType] = useState('application/json');
  const [description, setDescription] = useState('');
  const [schema, setSchema] = useState(SCHEMA_TEMPLATE);
  const action = useAction();
  const submit = async () => {
    try {
      JSON.parse(schema);
    } catch (e) {
      throw new Error(`The schema is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    await modelsApi.create(props.apiId, { name: name.trim(), contentType: contentType.trim(), description: description.trim(), schema });
  };
  return (
    <FormDialog
      title="Create model"
      onClose={props.onClose}
      wide
      testid="create-model-dialog"
      action={action}
      submit="Create model"
      onSubmit={async () => {
        if (await action.run(submit)) props.onCreated();
      }}
    >
      <div class="form-row">
        <TextField label="Name" hint="Letters and digits only." value={name} onValue={setName} name="name" required autofocus />
        <TextField label="Content type" value={contentType} onValue={setContentType} name="contentType" />
        <TextField label="Description" wide value={description} onValue={setDescription} name="description" />
      </div>
      <Field label="Schema (JSON Schema draft 4)" wide block>
        <CodeEditor value={schema} onChange={setSchema} language="json" label="Model schema" minHeight={200} />
      </Field>
    </FormDialog>
  );
}

export function ModelsSection(props: { apiId: string }) {
  const list = useLoad(() => modelsApi.list(props.apiId), [props.apiId]);
  const dialog = useCreateDialog(list.reload);
  const [open, setOpen] = useState<string | null>(null);
  const del = useAction();
  return (
    <ListPanel title="Models" level="panel" testid="models" create={{ label: 'Create model', onClick: dialog.show }} action={del}>
      <ResourceTable
        list={list}
        columns={['Name', 'Content type', 'Description', '']}
        empty="No models."
        row={(m) => [
          <tr key={m.id}>
            <td>
              <button type="button" class="link-button" onClick={() => setOpen(open === m.name ? null : m.name)} aria-expanded={open === m.name}>
                {m.name}
              </button>
            </td>
            <td>{m.contentType}</td>
            <td class="muted">{m.description}</td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Delete the model ${m.name}?`}
                run={() => modelsApi.remove(props.apiId, m.name)}
                toast={`Deleted ${m.name}`}
                onDone={list.reload}
              />
            </td>
          </tr>,
          open === m.name ? (
            <tr key={`${m.id}-schema`}>
              <td colSpan={4}>
                <pre class="code-block">{prettyBody(m.schema ?? '')}</pre>
              </td>
            </tr>
          ) : null,
        ]}
      />
      {dialog.open ? <CreateModelDialog apiId={props.apiId} onClose={dialog.close} onCreated={() => dialog.created('Created model')} /> : null}
    </ListPanel>
  );
}
