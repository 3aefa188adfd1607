// Stages: the list, and for one stage its invoke URL, variables, cache, monitoring (metric
// charts, access and execution logs) and the API's
// deployment history with "redeploy" (point the stage at an older deployment).
import { useMemo, useState } from 'preact/hooks';
import { clientCertificates, deployments as deploymentsApi, mapDiff, restApis, stages as stagesApi, type PatchOp, type Stage } from '../../api/apigateway';
import { invokeUrl } from '../../api/session';
import { navigate, useDirty } from '../../router';
import { useSession } from '../../session_context';
import { confirmRun, DeleteButton } from '../../ui/delete_button';
import { formatDate } from '../../ui/format';
import { Form } from '../../ui/form';
import { useAction, useLoad } from '../../ui/hooks';
import { ResourceTable } from '../../ui/resource_table';
import { LogViewer } from '../monitoring/log_viewer';
import { StageMetrics } from '../monitoring/metrics_view';
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

/** The stage's canary release: start one on a deployment with a share of the traffic, change the
 * share, promote it (the stage serves its deployment and takes its variable overrides), remove it. */
function CanaryPanel(props: { apiId: string; stage: Stage; deploymentIds: string[]; onChanged: () => void }) {
  const { apiId, stage } = props;
  const canary = stage.canarySettings;
  const [deploymentId, setDeploymentId] = useState(canary?.deploymentId ?? props.deploymentIds[0] ?? '');
  const [percent, setPercent] = useState(String(canary?.percentTraffic ?? 10));
  const action = useAction();
  const run = async (ops: PatchOp[], done: string) => {
    if (await action.run(() => stagesApi.update(apiId, stage.stageName, ops))) {
      toast(done);
      props.onChanged();
    }
  };
  const picked = deploymentId || props.deploymentIds[0] || '';
  return (
    <Form
      class="form inline-form"
      onSubmit={() =>
        run(
          [
            { op: 'replace', path: '/canarySettings/deploymentId', value: picked },
            { op: 'replace', path: '/canarySettings/percentTraffic', value: percent },
          ],
          `${stage.stageName}: ${percent}% of requests go to ${picked}`,
        )
      }
    >
      {canary ? (
        <p data-testid="canary-summary">
          Canary: deployment <code>{canary.deploymentId}</code> gets {canary.percentTraffic ?? 0}% of requests
          {Object.keys(canary.stageVariableOverrides ?? {}).length
            ? `, with overrides of ${Object.keys(canary.stageVariableOverrides ?? {}).join(', ')}`
            : ''}
          .
        </p>
      ) : (
        <p class="muted" data-testid="canary-summary">
          No canary: every request goes to <code>{stage.deploymentId}</code>.
        </p>
      )}
      <select name="canaryDeployment" value={picked} onChange={(e) => setDeploymentId(e.currentTarget.value)}
        aria-label="Canary deployment" data-testid="canary-deployment">
        {props.deploymentIds.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
      <input type="number" min="0" max="100" step="0.1" name="percentTraffic" value={percent}
        onInput={(e) => setPercent(e.currentTarget.value)} aria-label="Percent of traffic" data-testid="canary-percent" />
      <button type="submit" disabled={action.busy || !picked} data-testid="canary-save">
        {canary ? 'Update canary' : 'Start canary'}
      </button>
      {canary ? (
        <>
          <button
            type="button"
            class="primary"
            disabled={action.busy}
            data-testid="canary-promote"
            onClick={() =>
              run(
                [
                  { op: 'copy', from: '/canarySettings/deploymentId', path: '/deploymentId' },
                  ...(canary.stageVariableOverrides && Object.keys(canary.stageVariableOverrides).length
                    ? [{ op: 'copy' as const, from: '/canarySettings/stageVariableOverrides', path: '/variables' }]
                    : []),
                  { op: 'replace', path: '/canarySettings/percentTraffic', value: '0' },
                ],
                `${stage.stageName} now serves ${canary.deploymentId}`,
              )
            }
          >
            Promote
          </button>
          <button type="button" class="danger" disabled={action.busy} data-testid="canary-remove"
            onClick={() => run([{ op: 'remove', path: '/canarySettings' }], `${stage.stageName} has no canary`)}>
            Remove canary
          </button>
        </>
      ) : null}
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Form>
  );
}

const CACHE_SIZES = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'];

/** The stage cache: on or off, its size (GB, as AWS sells them), and a flush. */
function CachePanel(props: { apiId: string; stage: Stage; onChanged: () => void }) {
  const { apiId, stage } = props;
  const [enabled, setEnabled] = useState(!!stage.cacheClusterEnabled);
  const [size, setSize] = useState(stage.cacheClusterSize ?? '0.5');
  const save = useAction();
  const flush = useAction();
  const changed = enabled !== !!stage.cacheClusterEnabled || (enabled && size !== (stage.cacheClusterSize ?? '0.5'));
  return (
    <Form
      class="form inline-form"
      onSubmit={async () => {
        const ops: PatchOp[] = [{ op: 'replace', path: '/cacheClusterEnabled', value: String(enabled) }];
        if (enabled) ops.push({ op: 'replace', path: '/cacheClusterSize', value: size });
        if (await save.run(() => stagesApi.update(apiId, stage.stageName, ops))) {
          toast(enabled ? `${stage.stageName} caches responses (${size} GB)` : `${stage.stageName} caches nothing`);
          props.onChanged();
        }
      }}
    >
      <p class="muted small-text" data-testid="cache-status">
        {stage.cacheClusterEnabled
          ? `Cache ${stage.cacheClusterStatus ?? 'AVAILABLE'}, ${stage.cacheClusterSize ?? '0.5'} GB. Methods cache with their caching settings (GET by default).`
          : 'No stage cache.'}
      </p>
      <label class="small-text">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} data-testid="cache-enabled" /> Enable the cache
      </label>
      <select value={size} onChange={(e) => setSize(e.currentTarget.value)} disabled={!enabled} aria-label="Cache size (GB)" data-testid="cache-size">
        {CACHE_SIZES.map((s) => (
          <option key={s} value={s}>
            {s} GB
          </option>
        ))}
      </select>
      <button type="submit" disabled={save.busy || !changed} data-testid="cache-save">
        Save
      </button>
      {stage.cacheClusterEnabled ? (
        <button
          type="button"
          disabled={flush.busy}
          data-testid="cache-flush"
          onClick={async () => {
            if (await flush.run(() => stagesApi.flushCache(apiId, stage.stageName))) toast(`Flushed the cache of ${stage.stageName}`);
          }}
        >
          Flush cache
        </button>
      ) : null}
      <ErrorBox error={save.error ?? flush.error} onDismiss={() => (save.clear(), flush.clear())} />
    </Form>
  );
}

/** CloudWatch's ApiName: the API's name without its non-ASCII characters, else its id. */
function metricApiName(name: string | undefined, apiId: string): string {
  const ascii = (name ?? '').replace(/[^\x00-\x7f]/g, '');
  return ascii || apiId;
}

/** The log groups a stage writes: its access log's (destinationArn) and its execution logs. */
function stageLogGroups(apiId: string, stage: Stage): Array<{ label: string; name: string }> {
  const groups = [{ label: 'Execution logs', name: `API-Gateway-Execution-Logs_${apiId}/${stage.stageName}` }];
  const arn = stage.accessLogSettings?.destinationArn ?? '';
  const at = arn.indexOf(':log-group:');
  if (at >= 0) groups.unshift({ label: 'Access logs', name: arn.slice(at + ':log-group:'.length).replace(/:\*$/, '') });
  return groups;
}

function StageDetail(props: { apiId: string; stage: Stage; onChanged: () => void }) {
  const session = useSession();
  const { apiId, stage } = props;
  const restApi = useLoad(() => restApis.get(apiId), [apiId]);
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

      <h3>Canary release</h3>
      <CanaryPanel
        apiId={apiId}
        stage={stage}
        deploymentIds={[...(deployments.data ?? [])].sort((a, b) => (b.createdDate ?? 0) - (a.createdDate ?? 0)).map((d) => d.id)}
        onChanged={props.onChanged}
      />

      <h3>Cache</h3>
      <CachePanel apiId={apiId} stage={stage} onChanged={props.onChanged} />

      <h3>Monitoring</h3>
      {restApi.data ? <StageMetrics apiName={metricApiName(restApi.data.name, apiId)} stage={stage.stageName} /> : null}

      <h3>Logs</h3>
      <LogViewer groups={stageLogGroups(apiId, stage)} testid="stage-logs" />

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
              {d.id === stage.canarySettings?.deploymentId ? <span class="badge">canary</span> : null}
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
            key={`${selected.stageName}/${selected.deploymentId}/${selected.clientCertificateId ?? ''}/${JSON.stringify(selected.variables ?? {})}/${JSON.stringify(selected.canarySettings ?? null)}/${String(selected.cacheClusterEnabled)}/${selected.cacheClusterSize ?? ''}`}
            apiId={apiId}
            stage={selected}
            onChanged={() => void stages.reload()}
          />
        ) : null}
      </div>
    </div>
  );
}
