// Stages: the list, and for one stage its invoke URL, variables, and the API's
// deployment history with "redeploy" (point the stage at an older deployment).
import { useMemo, useState } from 'preact/hooks';
import { clientCertificates, deployments as deploymentsApi, mapDiff, restApis, stages as stagesApi, type Stage } from '../../api/apigateway';
import { invokeUrl } from '../../api/session';
import { navigate, useDirty } from '../../router';
import { useSession } from '../../session_context';
import { confirmRun, DeleteButton } from '../../ui/delete_button';
import { formatDate } from '../../ui/format';
import { Form } from '../../ui/form';
import { useAction, useLoad } from '../../ui/hooks';
import { ResourceTable } from '../../ui/resource_table';
import { CopyButton, Empty, ErrorBox, Field, KeyValueEditor, Link, Loading, fromRows, toRows, toast, type KvRow } from '../../ui/widgets';

/** The client certificate the stage presents to HTTPS backends (HTTP and HTTP_PROXY integrations). */
function ClientCertificatePicker(props: { apiId: string; stage: Stage; onChanged: () => void }) {
  const { apiId, stage } = props;
  const certs = useLoad(() => clientCertificates.list(), []);
  const [picked, setPicked] = useState(stage.clientCertificateId ?? '');
  const save = useAction();
  const current = stage.clientCertificateId ?? '';
  return (
    <Form
      class="form-row"
      onSubmit={async () => {
        const ops = [{ op: 'replace' as const, path: '/clientCertificateId', value: picked }];
        if (await save.run(() => stagesApi.update(apiId, stage.stageName, ops))) {
          toast(picked ? `${stage.stageName} presents ${picked}` : `${stage.stageName} presents no client certificate`);
          props.onChanged();
        }
      }}
    >
      <Field label="Client certificate" hint={<Link to="/clientcertificates">Manage client certificates</Link>}>
        <select value={picked} onChange={(e) => setPicked(e.currentTarget.value)} name="clientCertificateId" data-testid="stage-client-certificate">
          <option value="">None</option>
          {(certs.data ?? []).map((c) => (
            <option key={c.clientCertificateId} value={c.clientCertificateId}>
              {c.clientCertificateId}
              {c.description ? ` (${c.description})` : ''}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy || picked === current} data-testid="save-client-certificate">
          Save
        </button>
      </div>
      <ErrorBox error={save.error} onDismiss={save.clear} />
    </Form>
  );
}

/** get-export of the stage: OpenAPI 3.0 or Swagger 2.0, JSON or YAML, with or without API Gateway's extensions. */
function ExportPanel(props: { apiId: string; stageName: string }) {
  const [type, setType] = useState<'oas30' | 'swagger'>('oas30');
  const [yaml, setYaml] = useState(false);
  const [extensions, setExtensions] = useState(true);
  const [text, setText] = useState('');
  const action = useAction();
  return (
    <Form
      class="form inline-form"
      onSubmit={async () => {
        let exported = '';
        if (await action.run(async () => (exported = await restApis.exportStage(props.apiId, props.stageName, type, extensions, yaml)))) {
          setText(exported);
          const blob = new Blob([exported], { type: yaml ? 'application/yaml' : 'application/json' });
          const a = document.createElement('a');
          a.href = URL.createObjectURL(blob);
          a.download = `${props.apiId}-${props.stageName}-${type}.${yaml ? 'yaml' : 'json'}`;
          a.click();
          URL.revokeObjectURL(a.href);
        }
      }}
    >
      <select name="exportType" value={type} onChange={(e) => setType(e.currentTarget.value as 'oas30' | 'swagger')}
        data-testid="export-type" aria-label="Export format">
        <option value="oas30">OpenAPI 3.0</option>
        <option value="swagger">Swagger 2.0</option>
      </select>
      <select name="exportAs" value={yaml ? 'yaml' : 'json'} onChange={(e) => setYaml(e.currentTarget.value === 'yaml')}
        data-testid="export-as" aria-label="Export as">
        <option value="json">JSON</option>
        <option value="yaml">YAML</option>
      </select>
      <label class="check">
        <input type="checkbox" checked={extensions} onChange={(e) => setExtensions(e.currentTarget.checked)} />
        With API Gateway extensions
      </label>
      <button type="submit" disabled={action.busy} data-testid="export-stage">
        Export
      </button>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      {text ? (
        <pre class="code-block" data-testid="export-preview">
          {text.length > 4000 ? text.slice(0, 4000) + '\n…' : text}
        </pre>
      ) : null}
    </Form>
  );
}

function StageDetail(props: { apiId: string; stage: Stage; onChanged: () => void }) {
  const session = useSession();
  const { apiId, stage } = props;
  const deployments = useLoad(() => deploymentsApi.list(apiId), [apiId]);
  const [vars, setVars] = useState<KvRow[]>(() => toRows(stage.variables));
  const saveVars = useAction();
  const redeploy = useAction();
  const del = useAction();
  const url = invokeUrl(session, apiId, stage.stageName);
  const varOps = useMemo(() => mapDiff('/variables', stage.variables ?? {}, fromRows(vars)), [vars, stage.variables]);
  useDirty(varOps.length > 0);

  return (
    <div class="panel" data-testid="stage-detail">
      <header class="panel-head">
        <h2>{stage.stageName}</h2>
        <span class="muted small-text">{stage.description}</span>
        <span class="spacer" />
        <DeleteButton
          action={del}
          class="danger"
          busyDisables
          label="Delete stage"
          confirm={`Delete the stage ${stage.stageName}? Its invoke URL stops working.`}
          run={() => stagesApi.remove(apiId, stage.stageName)}
          toast={`Deleted stage ${stage.stageName}`}
          onDone={() => {
            props.onChanged();
            navigate(`/apis/${apiId}/stages`, { replace: true });
          }}
        />
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <div class="invoke-url">
        <span class="field-label">Invoke URL</span>
        <a href={url} target="_blank" rel="noreferrer" data-testid="invoke-url">
          {url}
        </a>
        <CopyButton text={url} />
      </div>
      <p class="muted small-text">
        Or with a Host header: <code>curl -H "Host: {apiId}.execute-api.localhost" {session.dataPlaneUrl.replace(/\/+$/, '')}/{stage.stageName}/</code>
      </p>

      <h3>Export</h3>
      <ExportPanel apiId={apiId} stageName={stage.stageName} />

      <h3>Client certificate</h3>
      <ClientCertificatePicker apiId={apiId} stage={stage} onChanged={props.onChanged} />

      <h3>Stage variables</h3>
      <Form
        class="form"
        onSubmit={async () => {
          if (await saveVars.run(() => stagesApi.update(apiId, stage.stageName, varOps))) {
            toast('Saved stage variables');
            props.onChanged();
          }
        }}
      >
        <KeyValueEditor rows={vars} onChange={setVars} keyLabel="Name" valueLabel="Value" testid="stage-variables" />
        <ErrorBox error={saveVars.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={saveVars.busy || varOps.length === 0}>
            Save variables
          </button>
        </div>
      </Form>

      <h3>Deployment history</h3>
      <ErrorBox error={redeploy.error} onDismiss={redeploy.clear} />
      <ResourceTable
        list={deployments}
        testid="deployment-history"
        columns={['Deployment', 'Description', 'Created', '']}
        empty="No deployments."
        shown={(list) => [...list].sort((a, b) => (b.createdDate ?? 0) - (a.createdDate ?? 0))}
        row={(d) => (
          <tr key={d.id} class={d.id === stage.deploymentId ? 'current' : ''}>
            <td>
              <code>{d.id}</code>
            </td>
            <td>{d.description}</td>
            <td class="muted">{formatDate(d.createdDate)}</td>
            <td class="row-actions">
              {d.id === stage.deploymentId ? (
                <span class="badge">active</span>
              ) : (
                <button
                  type="button"
                  class="small"
                  disabled={redeploy.busy}
                  onClick={async () => {
                    const ops = [{ op: 'replace' as const, path: '/deploymentId', value: d.id }];
                    const question = `Point ${stage.stageName} at deployment ${d.id}?`;
                    if (await confirmRun(redeploy, question, () => stagesApi.update(apiId, stage.stageName, ops), 'Redeploy')) {
                      toast(`${stage.stageName} now serves ${d.id}`);
                      props.onChanged();
                    }
                  }}
                >
                  Redeploy
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </div>
  );
}

export function StagesSection(props: { apiId: string; selected: string | null; onDeploy: () => void }) {
  const { apiId } = props;
  const stages = useLoad(() => stagesApi.list(apiId), [apiId]);
  const list = [...(stages.data ?? [])].sort((a, b) => a.stageName.localeCompare(b.stageName));
  const selected = list.find((s) => s.stageName === props.selected) ?? (props.selected ? undefined : list[0]);

  return (
    <div class="split">
      <aside class="split-left">
        <Loading data={stages.data} error={stages.error}>
          {() =>
            list.length === 0 ? (
              <div>
                <Empty>No stages yet.</Empty>
                <button type="button" class="primary" onClick={props.onDeploy}>
                  Deploy API
                </button>
              </div>
            ) : (
              <ul class="tree" data-testid="stage-list">
                {list.map((s) => (
                  <li key={s.stageName}>
                    <Link
                      to={`/apis/${apiId}/stages/${s.stageName}`}
                      class={s.stageName === selected?.stageName ? 'tree-node active' : 'tree-node'}
                      testid={`stage-${s.stageName}`}
                    >
                      {s.stageName}
                    </Link>
                  </li>
                ))}
              </ul>
            )
          }
        </Loading>
      </aside>
      <div class="split-right">
        {stages.data && props.selected && !selected ? (
          <ErrorBox error={new Error(`No stage named ${props.selected}.`)} />
        ) : selected ? (
          <StageDetail
            key={`${selected.stageName}/${selected.deploymentId}/${selected.clientCertificateId ?? ''}/${JSON.stringify(selected.variables ?? {})}`}
            apiId={apiId}
            stage={selected}
            onChanged={() => void stages.reload()}
          />
        ) : null}
      </div>
    </div>
  );
}
