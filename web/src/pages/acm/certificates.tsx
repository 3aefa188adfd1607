// Certificates (ACM): the imported and requested certificates a custom domain can use.
// "Request" issues one at once from Portico's local certificate authority; "Import"
// takes a PEM certificate, its key and chain.
import { useState } from 'preact/hooks';
import { certificates as acmApi, type CertificateSummary } from '../../api/acm';
import { DeleteButton } from '../../ui/delete_button';
import { formatDate } from '../../ui/format';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { Field } from '../../ui/widgets';

function RequestDialog(props: { onClose: () => void; onDone: (arn: string) => void }) {
  const [domain, setDomain] = useState('');
  const action = useAction();
  return (
    <FormDialog
      title="Request a certificate"
      onClose={props.onClose}
      testid="request-certificate-dialog"
      action={action}
      submit="Request"
      submitTestid="request-certificate-submit"
      onSubmit={async () => {
        let arn = '';
        if (await action.run(async () => (arn = (await acmApi.request(domain.trim())).CertificateArn))) props.onDone(arn);
      }}
    >
      <TextField
        label="Domain name"
        hint={
          <>
            Issued at once by Portico's local certificate authority; <code>portico ca</code> prints its certificate for
            clients to trust.
          </>
        }
        value={domain}
        onValue={setDomain}
        name="domainName"
        placeholder="api.example.test"
        required
        autofocus
      />
    </FormDialog>
  );
}

/** A PEM text area (certificate, key or chain). */
export function PemField(props: { label: string; value: string; onValue: (v: string) => void; required?: boolean; hint?: string }) {
  return (
    <Field label={props.label} hint={props.hint} wide>
      <textarea
       
        rows={5}
        spellcheck={false}
        value={props.value}
        required={props.required}
        placeholder="-----BEGIN ..."
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

function ImportDialog(props: { onClose: () => void; onDone: (arn: string) => void }) {
  const [cert, setCert] = useState('');
  const [key, setKey] = useState('');
  const [chain, setChain] = useState('');
  const action = useAction();
  return (
    <FormDialog
      title="Import a certificate"
      onClose={props.onClose}
      testid="import-certificate-dialog"
      wide
      action={action}
      submit="Import"
      submitTestid="import-certificate-submit"
      onSubmit={async () => {
        let arn = '';
        if (await action.run(async () => (arn = (await acmApi.import(cert, key, chain)).CertificateArn))) props.onDone(arn);
      }}
    >
      <PemField label="Certificate body" value={cert} onValue={setCert} required />
      <PemField label="Certificate private key" value={key} onValue={setKey} required />
      <PemField label="Certificate chain" value={chain} onValue={setChain} hint="Optional: the intermediate certificates." />
    </FormDialog>
  );
}

export function CertificatesPage() {
  const list = useLoad(() => acmApi.list(), []);
  const requestDialog = useCreateDialog(list.reload);
  const importDialog = useCreateDialog(list.reload);
  const del = useAction();
  const row = (c: CertificateSummary) => (
    <tr key={c.CertificateArn} data-testid={`certificate-${c.DomainName}`}>
      <td>{c.DomainName}</td>
      <td>
        <code class="small-text">{c.CertificateArn}</code>
      </td>
      <td>{c.Type === 'AMAZON_ISSUED' ? 'Local CA' : 'Imported'}</td>
      <td>
        <span class="badge">{c.Status}</span>
      </td>
      <td class="muted">{formatDate(c.NotAfter)}</td>
      <td>{c.InUse ? 'yes' : 'no'}</td>
      <td class="row-actions">
        <DeleteButton
          action={del}
          confirm={`Delete the certificate for ${c.DomainName}?`}
          run={() => acmApi.remove(c.CertificateArn)}
          toast="Deleted certificate"
          onDone={list.reload}
        />
      </td>
    </tr>
  );
  return (
    <ListPanel
      title="Certificates"
      level="page"
      testid="certificates-page"
      create={{ label: 'Request certificate', onClick: requestDialog.show, testid: 'request-certificate' }}
      note={
        <button type="button" onClick={importDialog.show} data-testid="import-certificate">
          Import
        </button>
      }
      action={del}
    >
      <ResourceTable
        list={list}
        testid="certificate-list"
        columns={['Domain', 'ARN', 'Source', 'Status', 'Expires', 'In use', '']}
        empty="No certificates. Request one from the local CA or import your own to use it on a custom domain."
        row={row}
      />
      {requestDialog.open ? (
        <RequestDialog onClose={requestDialog.close} onDone={() => requestDialog.created('Certificate issued')} />
      ) : null}
      {importDialog.open ? (
        <ImportDialog onClose={importDialog.close} onDone={() => importDialog.created('Certificate imported')} />
      ) : null}
    </ListPanel>
  );
}
