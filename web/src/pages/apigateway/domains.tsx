// Custom domain names: the list, and creating one with a certificate picked from the
// Certificates page (imported or issued by the local CA) or pasted as PEM, its endpoint
// type, security policy and an optional mutual-TLS truststore.
import { useState } from 'preact/hooks';
import { certificates as acmApi } from '../../api/acm';
import { domainNames as domainsApi, type DomainName, type DomainNameInput } from '../../api/apigateway';
import { navigate } from '../../router';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { Field, Link } from '../../ui/widgets';
import { PemField } from '../acm/certificates';

/** True when a certificate for `certName` (maybe "*.example.test") covers `host`. */
export function covers(certName: string, host: string): boolean {
  const c = certName.toLowerCase();
  const h = host.toLowerCase();
  if (c === h) return true;
  return c.startsWith('*.') && h.endsWith(c.slice(1)) && !h.slice(0, h.length - c.length + 1).includes('.');
}

export function endpointType(d: DomainName): string {
  return (d.endpointConfiguration?.types ?? []).join(', ');
}

function CreateDomainDialog(props: { onClose: () => void; onCreated: (d: DomainName) => void }) {
  const certs = useLoad(() => acmApi.list(), []);
  const [name, setName] = useState('');
  const [type, setType] = useState('REGIONAL');
  const [policy, setPolicy] = useState('TLS_1_2');
  const [source, setSource] = useState<'acm' | 'pem'>('acm');
  const [arn, setArn] = useState('');
  const [body, setBody] = useState('');
  const [key, setKey] = useState('');
  const [chain, setChain] = useState('');
  const [truststore, setTruststore] = useState('');
  const action = useAction();
  const host = name.trim();
  const usable = (certs.data ?? []).filter((c) => c.Status === 'ISSUED' && (!host || covers(c.DomainName, host)));
  const picked = usable.some((c) => c.CertificateArn === arn) ? arn : (usable[0]?.CertificateArn ?? '');

  const input = (): DomainNameInput => {
    const d: DomainNameInput = { domainName: host, endpointConfiguration: { types: [type] }, securityPolicy: policy };
    if (source === 'acm') {
      if (type === 'REGIONAL') d.regionalCertificateArn = picked;
      else d.certificateArn = picked;
    } else {
      d.certificateName = host;
      d.certificateBody = body;
      d.certificatePrivateKey = key;
      if (chain.trim()) d.certificateChain = chain;
    }
    if (truststore.trim()) d.mutualTlsAuthentication = { truststoreUri: truststore.trim() };
    return d;
  };

  return (
    <FormDialog
      title="Create custom domain name"
      onClose={props.onClose}
      testid="create-domain-dialog"
      wide
      action={action}
      submit="Create domain name"
      submitTestid="create-domain-submit"
      submitDisabled={source === 'acm' && !picked}
      onSubmit={async () => {
        let d: DomainName | null = null;
        if (await action.run(async () => (d = await domainsApi.create(input())))) props.onCreated(d!);
      }}
    >
      <TextField label="Domain name" value={name} onValue={setName} name="domainName" placeholder="api.example.test" required autofocus />
      <div class="form-row">
        <Field label="Endpoint type">
          <select value={type} onChange={(e) => setType(e.currentTarget.value)} name="endpointType">
            <option>REGIONAL</option>
            <option>EDGE</option>
          </select>
        </Field>
        <Field label="Security policy" hint="TLS_1_2 allows TLS 1.2 (and 1.3 on EDGE); TLS_1_0 also older clients.">
          <select value={policy} onChange={(e) => setPolicy(e.currentTarget.value)} name="securityPolicy">
            <option>TLS_1_2</option>
            <option>TLS_1_0</option>
          </select>
        </Field>
      </div>
      <fieldset class="choice-group">
        <legend>Certificate</legend>
        <label class="inline">
          <input type="radio" name="certSource" value="acm" checked={source === 'acm'} onChange={() => setSource('acm')} /> From Certificates
        </label>
        <label class="inline">
          <input type="radio" name="certSource" value="pem" checked={source === 'pem'} onChange={() => setSource('pem')} /> Paste PEM
        </label>
      </fieldset>
      {source === 'acm' ? (
        <Field
          label="ACM certificate"
          wide
          hint={
            usable.length === 0 && certs.data ? (
              <>
                No issued certificate covers this name. <Link to="/certificates">Request or import one</Link>.
              </>
            ) : (
              'Certificates that cover the domain name.'
            )
          }
        >
          <select value={picked} onChange={(e) => setArn(e.currentTarget.value)} name="certificateArn">
            {usable.map((c) => (
              <option key={c.CertificateArn} value={c.CertificateArn}>
                {c.DomainName} ({c.Type === 'AMAZON_ISSUED' ? 'local CA' : 'imported'}) {c.CertificateArn.split('/').pop()}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <>
          <PemField label="Certificate body" value={body} onValue={setBody} required />
          <PemField label="Certificate private key" value={key} onValue={setKey} required />
          <PemField label="Certificate chain" value={chain} onValue={setChain} hint="Optional." />
        </>
      )}
      <TextField
        label="Mutual TLS truststore URI"
        hint="Optional: file:///path/bundle.pem. Callers must then present a certificate that chains to it (REGIONAL, TLS_1_2)."
        value={truststore}
        onValue={setTruststore}
        name="truststoreUri"
        wide
      />
    </FormDialog>
  );
}

export function DomainsPage() {
  const list = useLoad(() => domainsApi.list(), []);
  const dialog = useCreateDialog();
  return (
    <ListPanel
      title="Custom domain names"
      level="page"
      testid="domains-page"
      create={{ label: 'Create domain name', onClick: dialog.show, testid: 'create-domain' }}
    >
      <ResourceTable
        list={list}
        testid="domain-list"
        columns={['Domain name', 'Endpoint', 'Status', 'Security policy', 'Mutual TLS']}
        empty="No custom domain names. Create one to serve your APIs under your own host name over TLS."
        row={(d) => (
          <tr key={d.domainName}>
            <td>
              <Link to={`/domains/${encodeURIComponent(d.domainName)}`} testid={`domain-${d.domainName}`}>
                {d.domainName}
              </Link>
            </td>
            <td>{endpointType(d)}</td>
            <td>
              <span class="badge">{d.domainNameStatus}</span>
            </td>
            <td>{d.securityPolicy}</td>
            <td>{d.mutualTlsAuthentication?.truststoreUri ? 'required' : <span class="muted">off</span>}</td>
          </tr>
        )}
      />
      {dialog.open ? (
        <CreateDomainDialog
          onClose={dialog.close}
          onCreated={(d) => {
            dialog.created(`Created ${d.domainName}`);
            navigate(`/domains/${encodeURIComponent(d.domainName)}`);
          }}
        />
      ) : null}
    </ListPanel>
  );
}
