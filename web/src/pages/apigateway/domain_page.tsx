// One custom domain name: its status and endpoint, the certificate it serves, the
// base path mappings to API stages (add, remove), the mutual-TLS truststore (set,
// change, remove) and deleting the domain.
import { useState } from 'preact/hooks';
import {
  basePathMappings as mappingsApi,
  domainNames as domainsApi,
  restApis,
  stages as stagesApi,
  type DomainName,
  type PatchOp,
} from '../../api/apigateway';
import { navigate } from '../../router';
import { DeleteButton } from '../../ui/delete_button';
import { DetailHead } from '../../ui/detail_head';
import { formatDate } from '../../ui/format';
import { Form } from '../../ui/form';
import { useAction, useLoad } from '../../ui/hooks';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { ErrorBox, Field, Link, Loading, toast } from '../../ui/widgets';
import { endpointType } from './domains';

function Mappings(props: { domain: string }) {
  const { domain } = props;
  const list = useLoad(() => mappingsApi.list(domain), [domain]);
  const apis = useLoad(() => restApis.list(), []);
  const [apiId, setApiId] = useState('');
  const stages = useLoad(async () => (apiId ? stagesApi.list(apiId) : []), [apiId]);
  const [stage, setStage] = useState('');
  const [basePath, setBasePath] = useState('');
  const add = useAction();
  const del = useAction();
  const names = new Map((apis.data ?? []).map((a) => [a.id, a.name]));
  const stageName = stage || stages.data?.[0]?.stageName || '';

  return (
    <div class="panel" data-testid="domain-mappings">
      <header class="panel-head">
        <h2>API mappings</h2>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <ResourceTable
        list={list}
        testid="mapping-list"
        columns={['Base path', 'API', 'Stage', '']}
        empty="No mappings: every path on this domain answers 403 until one maps it to an API stage."
        row={(m) => (
          <tr key={m.basePath} data-testid={`mapping-${m.basePath}`}>
            <td>
              <code>{m.basePath === '(none)' ? '/' : `/${m.basePath}`}</code>
            </td>
            <td>
              <Link to={`/apis/${m.restApiId}/resources`}>{names.get(m.restApiId) ?? m.restApiId}</Link>
            </td>
            <td>{m.stage}</td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Remove the mapping of ${m.basePath} on ${domain}?`}
                verb="Remove"
                label="Remove"
                run={() => mappingsApi.remove(domain, m.basePath)}
                toast="Removed mapping"
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
      <h3>Add a mapping</h3>
      <Form
        class="form-row"
        onSubmit={async () => {
          const body = { basePath: basePath.trim().replace(/^\/+|\/+$/g, '') || '(none)', restApiId: apiId, stage: stageName };
          if (await add.run(() => mappingsApi.create(domain, body))) {
            toast(`Mapped ${domain}/${body.basePath === '(none)' ? '' : body.basePath}`);
            setBasePath('');
            void list.reload();
          }
        }}
      >
        <Field label="API">
          <select
            value={apiId}
            onChange={(e) => {
              setApiId(e.currentTarget.value);
              setStage('');
            }}
            name="restApiId"
          >
            <option value="">Choose an API…</option>
            {(apis.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Stage">
          <select value={stageName} onChange={(e) => setStage(e.currentTarget.value)} name="stage" disabled={!apiId}>
            {(stages.data ?? []).map((s) => (
              <option key={s.stageName}>{s.stageName}</option>
            ))}
          </select>
        </Field>
        <TextField label="Base path" hint="Empty maps the whole domain." value={basePath} onValue={setBasePath} name="basePath" placeholder="v1" />
        <div class="actions">
          <button type="submit" class="primary" disabled={!apiId || !stageName || add.busy} data-testid="add-mapping">
            Add mapping
          </button>
        </div>
      </Form>
      <ErrorBox error={add.error} onDismiss={add.clear} testid="add-mapping-error" />
    </div>
  );
}

function Truststore(props: { domain: DomainName; onChanged: () => void }) {
  const { domain } = props;
  const mtls = domain.mutualTlsAuthentication;
  const [uri, setUri] = useState(mtls?.truststoreUri ?? '');
  const save = useAction();
  // An empty value turns mutual TLS off.
  const ops = (): PatchOp[] => [{ op: 'replace', path: '/mutualTlsAuthentication/truststoreUri', value: uri.trim() }];
  return (
    <div class="panel" data-testid="domain-truststore">
      <header class="panel-head">
        <h2>Mutual TLS</h2>
      </header>
      <p class="muted small-text">
        With a truststore, callers must present a client certificate that chains to one of its certificates. Saving the same URI
        again reloads the file (a rotation); connections stay open.
      </p>
      <Form
        class="form-row"
        onSubmit={async () => {
          if (await save.run(() => domainsApi.update(domain.domainName, ops()))) {
            toast(uri.trim() ? 'Saved the truststore' : 'Mutual TLS is off');
            props.onChanged();
          }
        }}
      >
        <TextField label="Truststore URI" value={uri} onValue={setUri} name="truststoreUri" placeholder="file:///path/bundle.pem" wide />
        <div class="actions">
          <button type="submit" class="primary" disabled={save.busy}>
            Save
          </button>
        </div>
      </Form>
      <ErrorBox error={save.error} onDismiss={save.clear} />
      {mtls?.truststoreVersion ? <p class="muted small-text">Version {mtls.truststoreVersion}</p> : null}
      {(mtls?.truststoreWarnings ?? []).length > 0 ? (
        <ul class="warnings" data-testid="truststore-warnings">
          {mtls!.truststoreWarnings!.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function DomainPage(props: { name: string }) {
  const domain = useLoad(() => domainsApi.get(props.name), [props.name]);
  const del = useAction();
  return (
    <section class="page" data-testid="domain-page">
      <Loading data={domain.data} error={domain.error}>
        {(d) => (
          <>
            <DetailHead
              back={{ to: '/domains', label: 'Custom domain names' }}
              title={d.domainName}
              titleTestid="domain-name"
              actions={
                <DeleteButton
                  action={del}
                  class="danger"
                  busyDisables
                  label="Delete domain name"
                  confirm={`Delete ${d.domainName} and its mappings?`}
                  run={() => domainsApi.remove(d.domainName)}
                  toast={`Deleted ${d.domainName}`}
                  onDone={() => navigate('/domains', { replace: true })}
                />
              }
            >
              <p class="muted small-text">
                <span class="badge" data-testid="domain-status">
                  {d.domainNameStatus}
                </span>{' '}
                {endpointType(d)} · {d.securityPolicy} · {d.regionalDomainName ?? d.distributionDomainName}
              </p>
            </DetailHead>
            <ErrorBox error={del.error} onDismiss={del.clear} />
            <div class="panel">
              <header class="panel-head">
                <h2>Certificate</h2>
              </header>
              <p data-testid="domain-certificate">
                {d.regionalCertificateArn ?? d.certificateArn ? (
                  <>
                    <Link to="/certificates">{d.regionalCertificateArn ?? d.certificateArn}</Link>
                  </>
                ) : (
                  <>Uploaded PEM {d.certificateName ? `(${d.certificateName})` : ''}</>
                )}
                {d.certificateUploadDate ? <span class="muted"> · uploaded {formatDate(d.certificateUploadDate)}</span> : null}
              </p>
            </div>
            <Mappings domain={d.domainName} />
            <Truststore key={JSON.stringify(d.mutualTlsAuthentication ?? {})} domain={d} onChanged={() => void domain.reload()} />
          </>
        )}
      </Loading>
    </section>
  );
}
