// A function's versions (publish $LATEST) and aliases (create, point at a version,
// delete).
import { useEffect, useRef, useState } from 'preact/hooks';
import { functions as functionsApi } from '../../api/lambda';
import { DeleteButton } from '../../ui/delete_button';
import { useAction, useLoad } from '../../ui/hooks';
import { InlineForm } from '../../ui/inline_form';
import { ListHead } from '../../ui/list_head';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { ErrorBox, Field, toast } from '../../ui/widgets';

export function FunctionVersions(props: { name: string; active: boolean }) {
  const { name } = props;
  const versions = useLoad(() => functionsApi.versions(name), [name]);
  const aliases = useLoad(() => functionsApi.aliases(name), [name]);
  const [description, setDescription] = useState('');
  const [aliasName, setAliasName] = useState('');
  const [aliasVersion, setAliasVersion] = useState('');
  const publish = useAction();
  const aliasAction = useAction();

  // Code and configuration change on other tabs; refresh when this one is shown again.
  const firstShow = useRef(true);
  useEffect(() => {
    if (firstShow.current) {
      firstShow.current = false;
      return;
    }
    if (props.active) {
      void versions.reload();
      void aliases.reload();
    }
  }, [props.active]);

  const published = (versions.data ?? []).filter((v) => v.Version !== '$LATEST');

  return (
    <div class="panel" data-testid="function-versions">
      <ListHead title="Versions" level="panel" />
      <InlineForm
        busy={publish.busy}
        submit="Publish new version"
        submitTestid="publish-version"
        onSubmit={async () => {
          let v = '';
          if (await publish.run(async () => (v = (await functionsApi.publish(name, description.trim())).Version ?? ''))) {
            toast(`Published version ${v}`);
            setDescription('');
            void versions.reload();
          }
        }}
      >
        <TextField label="Description" value={description} onValue={setDescription} placeholder="what changed" />
      </InlineForm>
      <ErrorBox error={publish.error} onDismiss={publish.clear} />
      <ResourceTable
        list={versions}
        testid="version-list"
        columns={['Version', 'Description', 'Code SHA-256', 'Last modified']}
        shown={(vs) => [...vs].reverse()}
        row={(v) => (
          <tr key={v.Version}>
            <td>
              <strong>{v.Version}</strong>
            </td>
            <td>{v.Description}</td>
            <td>
              <code>{v.CodeSha256?.slice(0, 16)}</code>
            </td>
            <td class="muted">{v.LastModified?.replace('T', ' ').slice(0, 19)}</td>
          </tr>
        )}
      />

      <ListHead title="Aliases" level="panel" />
      <InlineForm
        busy={aliasAction.busy}
        submit="Create alias"
        onSubmit={async () => {
          const version = aliasVersion || '$LATEST';
          if (await aliasAction.run(() => functionsApi.createAlias(name, { Name: aliasName.trim(), FunctionVersion: version }))) {
            toast(`Created alias ${aliasName.trim()}`);
            setAliasName('');
            void aliases.reload();
          }
        }}
      >
        <TextField label="Alias name" value={aliasName} onValue={setAliasName} placeholder="live" required />
        <Field label="Version">
          <select value={aliasVersion} onChange={(e) => setAliasVersion(e.currentTarget.value)}>
            <option value="">$LATEST</option>
            {published.map((v) => (
              <option key={v.Version} value={v.Version}>
                {v.Version}
              </option>
            ))}
          </select>
        </Field>
      </InlineForm>
      <ErrorBox error={aliasAction.error} onDismiss={aliasAction.clear} />
      <ResourceTable
        list={aliases}
        testid="alias-list"
        columns={['Alias', 'Version', 'Description', '']}
        empty="No aliases."
        row={(a) => (
          <tr key={a.Name}>
            <td>
              <strong>{a.Name}</strong>
            </td>
            <td>
              <select
                value={a.FunctionVersion}
                aria-label={`Version of ${a.Name}`}
                onChange={async (e) => {
                  const v = e.currentTarget.value;
                  if (await aliasAction.run(() => functionsApi.updateAlias(name, a.Name, { FunctionVersion: v }))) {
                    toast(`${a.Name} → ${v}`);
                  }
                  void aliases.reload();
                }}
              >
                {['$LATEST', ...published.map((v) => v.Version ?? '')].map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </td>
            <td>{a.Description}</td>
            <td class="row-actions">
              <DeleteButton
                action={aliasAction}
                confirm={`Delete the alias ${a.Name}?`}
                run={() => functionsApi.removeAlias(name, a.Name)}
                toast={`Deleted alias ${a.Name}`}
                onDone={aliases.reload}
              />
            </td>
          </tr>
        )}
      />
    </div>
  );
}
