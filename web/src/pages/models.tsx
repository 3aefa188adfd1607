// Models of one API (JSON Schema draft 4): list with schema preview, create, delete.
import { useState } from 'preact/hooks';
import { models as modelsApi } from '../api/apigateway';
import { CodeEditor } from '../editor/code_editor';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, Loading, Modal, toast } from '../ui/widgets';
import { prettyBody } from './test_panel';

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
    <Modal title="Create model" onClose={props.onClose} wide testid="create-model-dialog">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await action.run(submit)) props.onCreated();
        }}
      >
        <div class="form-row">
          <Field label="Name" hint="Letters and digits only.">
            <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus />
          </Field>
          <Field label="Content type">
            <input name="contentType" value={contentType} onInput={(e) => setContentType(e.currentTarget.value)} />
          </Field>
          <Field label="Description" wide>
            <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </Field>
        </div>
        <Field label="Schema (JSON Schema draft 4)" wide block>
          <CodeEditor value={schema} onChange={setSchema} language="json" label="Model schema" minHeight={200} />
        </Field>
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy}>
            Create model
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ModelsSection(props: { apiId: string }) {
  const list = useLoad(() => modelsApi.list(props.apiId), [props.apiId]);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const del = useAction();
  return (
    <div class="panel" data-testid="models">
      <header class="panel-head">
        <h2>Models</h2>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create model
        </button>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={list.data} error={list.error}>
        {(items) =>
          items.length === 0 ? (
            <Empty>No models.</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Content type</th>
                  <th>Description</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((m) => [
                  <tr key={m.id}>
                    <td>
                      <button type="button" class="link-button" onClick={() => setOpen(open === m.name ? null : m.name)} aria-expanded={open === m.name}>
                        {m.name}
                      </button>
                    </td>
                    <td>{m.contentType}</td>
                    <td class="muted">{m.description}</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the model ${m.name}?`))) return;
                          if (await del.run(() => modelsApi.remove(props.apiId, m.name))) {
                            toast(`Deleted ${m.name}`);
                            void list.reload();
                          }
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>,
                  open === m.name ? (
                    <tr key={`${m.id}-schema`}>
                      <td colSpan={4}>
                        <pre class="code-block">{prettyBody(m.schema ?? '')}</pre>
                      </td>
                    </tr>
                  ) : null,
                ])}
              </tbody>
            </table>
          )
        }
      </Loading>
      {creating ? (
        <CreateModelDialog
          apiId={props.apiId}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            toast('Created model');
            void list.reload();
          }}
        />
      ) : null}
    </div>
  );
}
