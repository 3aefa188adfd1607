// A function's versions (publish $LATEST) and aliases (create, point at a version,
// delete).
import { useEffect, useRef, useState } from 'preact/hooks';
import { functions as functionsApi } from '../api/lambda';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, Loading, toast } from '../ui/widgets';

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
      <header class="panel-head">
        <h2>Versions</h2>
      </header>
      <form
        class="form-row inline-create"
        onSubmit={async (e) => {
          e.preventDefault();
          let v = '';
          if (await publish.run(async () => (v = (await functionsApi.publish(name, description.trim())).Version ?? ''))) {
            toast(`Published version ${v}`);
            setDescription('');
            void versions.reload();
          }
        }}
      >
        <Field label="Description">
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} placeholder="what changed" />
        </Field>
        <button type="submit" class="primary" disabled={publish.busy} data-testid="publish-version">
          Publish new version
        </button>
      </form>
      <ErrorBox error={publish.error} onDismiss={publish.clear} />
      <Loading data={versions.data} error={versions.error}>
        {(vs) => (
          <table class="table" data-testid="version-list">
            <thead>
              <tr>
                <th>Version</th>
                <th>Description</th>
                <th>Code SHA-256</th>
                <th>Last modified</th>
              </tr>
            </thead>
            <tbody>
              {[...vs].reverse().map((v) => (
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
              ))}
            </tbody>
          </table>
        )}
      </Loading>

      <header class="panel-head">
        <h2>Aliases</h2>
      </header>
      <form
        class="form-row inline-create"
        onSubmit={async (e) => {
          e.preventDefault();
          const version = aliasVersion || '$LATEST';
          if (await aliasAction.run(() => functionsApi.createAlias(name, { Name: aliasName.trim(), FunctionVersion: version }))) {
            toast(`Created alias ${aliasName.trim()}`);
            setAliasName('');
            void aliases.reload();
          }
        }}
      >
        <Field label="Alias name">
          <input value={aliasName} onInput={(e) => setAliasName(e.currentTarget.value)} placeholder="live" required />
        </Field>
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
        <button type="submit" class="primary" disabled={aliasAction.busy}>
          Create alias
        </button>
      </form>
      <ErrorBox error={aliasAction.error} onDismiss={aliasAction.clear} />
      <Loading data={aliases.data} error={aliases.error}>
        {(as) =>
          as.length === 0 ? (
            <Empty>No aliases.</Empty>
          ) : (
            <table class="table" data-testid="alias-list">
              <thead>
                <tr>
                  <th>Alias</th>
                  <th>Version</th>
                  <th>Description</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {as.map((a) => (
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
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the alias ${a.Name}?`))) return;
                          if (await aliasAction.run(() => functionsApi.removeAlias(name, a.Name))) {
                            toast(`Deleted alias ${a.Name}`);
                            void aliases.reload();
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
