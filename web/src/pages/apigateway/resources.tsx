// The Resources tab: the resource tree with its methods on the left; on the right the
// selected resource (its methods, create/delete) or a method's execution view.
import { useState } from 'preact/hooks';
import { resources as resourcesApi, type Resource } from '../../api/apigateway';
import { navigate } from '../../router';
import { DeleteButton } from '../../ui/delete_button';
import { FormDialog } from '../../ui/form_dialog';
import type { Loaded } from '../../ui/hooks';
import { useAction } from '../../ui/hooks';
import { Table } from '../../ui/table';
import { TextField } from '../../ui/text_field';
import { Empty, ErrorBox, Field, Link, Loading, toast } from '../../ui/widgets';
import { CreateMethodDialog } from './methods/create_method_dialog';
import { MethodView } from './methods/method_view';

function depth(r: Resource): number {
  return r.path === '/' ? 0 : r.path.split('/').length - 1;
}

function sortedByPath(list: Resource[]): Resource[] {
  return [...list].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function ResourceTree(props: { apiId: string; list: Resource[]; selectedId: string | null; verb: string | null }) {
  return (
    <ul class="tree" data-testid="resource-tree" aria-label="Resources">
      {sortedByPath(props.list).map((r) => {
        const active = r.id === props.selectedId && !props.verb;
        return (
          <li key={r.id} style={{ paddingLeft: `${depth(r) * 14}px` }}>
            <Link
              to={`/apis/${props.apiId}/resources/${r.id}`}
              class={active ? 'tree-node active' : 'tree-node'}
              testid={`resource-${r.path}`}
            >
              {r.path === '/' ? '/' : `/${r.pathPart ?? ''}`}
            </Link>
            {Object.keys(r.resourceMethods ?? {})
              .sort()
              .map((v) => (
                <Link
                  key={v}
                  to={`/apis/${props.apiId}/resources/${r.id}/methods/${v}`}
                  class={r.id === props.selectedId && v === props.verb ? 'tree-method active' : 'tree-method'}
                  testid={`method-${r.path}-${v}`}
                >
                  <span class={`verb verb-${v}`}>{v}</span>
                </Link>
              ))}
          </li>
        );
      })}
    </ul>
  );
}

function CreateResourceDialog(props: {
  apiId: string;
  list: Resource[];
  parentId: string;
  onClose: () => void;
  onCreated: (r: Resource) => void;
}) {
  const [parentId, setParentId] = useState(props.parentId);
  const [pathPart, setPathPart] = useState('');
  const action = useAction();
  const parent = props.list.find((r) => r.id === parentId);
  const preview = parent ? `${parent.path === '/' ? '' : parent.path}/${pathPart}` : '';
  return (
    <FormDialog
      title="Create resource"
      onClose={props.onClose}
      testid="create-resource-dialog"
      action={action}
      submit="Create resource"
      submitTestid="create-resource-submit"
      onSubmit={async () => {
        let created: Resource | null = null;
        if (await action.run(async () => (created = await resourcesApi.create(props.apiId, parentId, pathPart.trim())))) {
          props.onCreated(created!);
        }
      }}
    >
      <Field label="Parent">
        <select value={parentId} onChange={(e) => setParentId(e.currentTarget.value)} name="parent">
          {sortedByPath(props.list).map((r) => (
            <option key={r.id} value={r.id}>
              {r.path}
            </option>
          ))}
        </select>
      </Field>
      <TextField
        label="Path part"
        hint={
          <>
            A literal (<code>pets</code>), a variable (<code>{'{petId}'}</code>) or a greedy variable (
            <code>{'{proxy+}'}</code>). Path: <code>{preview}</code>
          </>
        }
        value={pathPart}
        onValue={setPathPart}
        name="pathPart"
        required
        autofocus
        placeholder="pets"
      />
    </FormDialog>
  );
}

function ResourceDetail(props: { apiId: string; resource: Resource; onCreateMethod: () => void; onDeleted: () => void }) {
  const r = props.resource;
  const del = useAction();
  const verbs = Object.keys(r.resourceMethods ?? {}).sort();
  return (
    <div class="panel" data-testid="resource-detail">
      <header class="panel-head">
        <h2>
          <code>{r.path}</code>
        </h2>
        <span class="muted small-text">id {r.id}</span>
        <span class="spacer" />
        <button type="button" class="primary" onClick={props.onCreateMethod} data-testid="create-method">
          Create method
        </button>
        {r.path !== '/' ? (
          <DeleteButton
            action={del}
            class="danger"
            busyDisables
            label="Delete resource"
            confirm={`Delete ${r.path} and everything below it?`}
            run={() => resourcesApi.remove(props.apiId, r.id)}
            onDone={props.onDeleted}
            testid="delete-resource"
          />
        ) : null}
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      {verbs.length === 0 ? (
        <Empty>No methods on this resource yet.</Empty>
      ) : (
        <Table columns={['Method', 'Integration', 'Authorization', 'API key']}>
          {verbs.map((v) => {
            const m = r.resourceMethods![v]!;
            return (
              <tr key={v}>
                <td>
                  <Link to={`/apis/${props.apiId}/resources/${r.id}/methods/${v}`}>
                    <span class={`verb verb-${v}`}>{v}</span>
                  </Link>
                </td>
                <td>{m.methodIntegration?.type ?? <span class="muted">none</span>}</td>
                <td>{m.authorizationType ?? 'NONE'}</td>
                <td>{m.apiKeyRequired ? 'required' : 'no'}</td>
              </tr>
            );
          })}
        </Table>
      )}
    </div>
  );
}

export function ResourcesSection(props: {
  apiId: string;
  tree: Loaded<Resource[]>;
  selectedId: string | null;
  verb: string | null;
}) {
  const { apiId, tree } = props;
  const [dialog, setDialog] = useState<'resource' | 'method' | null>(null);
  const list = tree.data ?? [];
  const root = list.find((r) => r.path === '/');
  const selected = list.find((r) => r.id === props.selectedId) ?? (props.selectedId ? undefined : root);

  return (
    <div class="split">
      <aside class="split-left">
        <div class="toolbar">
          <button type="button" class="small" onClick={() => setDialog('resource')} disabled={!root} data-testid="create-resource">
            + Resource
          </button>
          <button type="button" class="small" onClick={() => setDialog('method')} disabled={!selected} data-testid="create-method-side">
            + Method
          </button>
        </div>
        <Loading data={tree.data} error={tree.error}>
          {(l) => <ResourceTree apiId={apiId} list={l} selectedId={selected?.id ?? null} verb={props.verb} />}
        </Loading>
      </aside>
      <div class="split-right">
        {tree.data && props.selectedId && !selected ? (
          <ErrorBox error={new Error(`No resource ${props.selectedId} in this API (it may have been deleted).`)} />
        ) : selected && props.verb ? (
          <MethodView
            key={`${selected.id}/${props.verb}`}
            apiId={apiId}
            resource={selected}
            verb={props.verb}
            onTreeChanged={() => void tree.reload()}
          />
        ) : selected ? (
          <ResourceDetail
            apiId={apiId}
            resource={selected}
            onCreateMethod={() => setDialog('method')}
            onDeleted={() => {
              toast(`Deleted ${selected.path}`);
              void tree.reload();
              navigate(`/apis/${apiId}/resources/${selected.parentId ?? ''}`, { replace: true });
            }}
          />
        ) : null}
      </div>
      {dialog === 'resource' && root ? (
        <CreateResourceDialog
          apiId={apiId}
          list={list}
          parentId={selected?.id ?? root.id}
          onClose={() => setDialog(null)}
          onCreated={(r) => {
            setDialog(null);
            toast(`Created ${r.path}`);
            void tree.reload();
            navigate(`/apis/${apiId}/resources/${r.id}`);
          }}
        />
      ) : null}
      {dialog === 'method' && selected ? (
        <CreateMethodDialog
          apiId={apiId}
          resource={selected}
          existing={Object.keys(selected.resourceMethods ?? {})}
          onClose={() => setDialog(null)}
          onCreated={(verb) => {
            setDialog(null);
            toast(`Created ${verb} ${selected.path}`);
            void tree.reload();
            navigate(`/apis/${apiId}/resources/${selected.id}/methods/${verb}`);
          }}
        />
      ) : null}
    </div>
  );
}
