// Client certificates: the certificates a stage presents to its HTTPS backends. Generate
// one (Portico keeps the private key), view and copy its PEM for the backend's trust
// store, delete one no stage uses.
import { useState } from 'preact/hooks';
import { clientCertificates as certsApi, type ClientCertificate } from '../../api/apigateway';
import { DeleteButton } from '../../ui/delete_button';
import { formatDate } from '../../ui/format';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { TextField } from '../../ui/text_field';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { CopyButton, Modal } from '../../ui/widgets';

function GenerateDialog(props: { onClose: () => void; onDone: (c: ClientCertificate) => void }) {
  const [description, setDescription] = useState('');
  const action = useAction();
  return (
    <FormDialog
      title="Generate client certificate"
      onClose={props.onClose}
      testid="generate-client-certificate-dialog"
      action={action}
      submit="Generate"
      submitTestid="generate-client-certificate-submit"
      onSubmit={async () => {
        let c: ClientCertificate | null = null;
        if (await action.run(async () => (c = await certsApi.generate(description.trim())))) props.onDone(c!);
      }}
    >
      <TextField label="Description" value={description} onValue={setDescription} name="description" autofocus />
    </FormDialog>
  );
}

function PemDialog(props: { cert: ClientCertificate; onClose: () => void }) {
  const pem = props.cert.pemEncodedCertificate ?? '';
  return (
    <Modal title={`Client certificate ${props.cert.clientCertificateId}`} onClose={props.onClose} wide testid="client-certificate-pem">
      <p class="muted small-text">Backends that trust this certificate know a request comes from Portico.</p>
      <pre class="code-block" data-testid="client-certificate-pem-text">
        {pem}
      </pre>
      <div class="actions">
        <CopyButton text={pem} label="Copy PEM" />
      </div>
    </Modal>
  );
}

export function ClientCertificatesPage() {
  const list = useLoad(() => certsApi.list(), []);
  const dialog = useCreateDialog(list.reload);
  const [viewing, setViewing] = useState<ClientCertificate | null>(null);
  const del = useAction();
  return (
    <ListPanel
      title="Client certificates"
      level="page"
      testid="client-certificates-page"
      create={{ label: 'Generate certificate', onClick: dialog.show, testid: 'generate-client-certificate' }}
      action={del}
    >
      <ResourceTable
        list={list}
        testid="client-certificate-list"
        columns={['ID', 'Description', 'Created', 'Expires', '']}
        empty="No client certificates. A stage presents one to HTTPS backends so they can verify Portico."
        row={(c) => (
          <tr key={c.clientCertificateId} data-testid={`client-certificate-${c.clientCertificateId}`}>
            <td>
              <code>{c.clientCertificateId}</code>
            </td>
            <td>{c.description}</td>
            <td class="muted">{formatDate(c.createdDate)}</td>
            <td class="muted">{formatDate(c.expirationDate)}</td>
            <td class="row-actions">
              <button type="button" class="small" onClick={() => setViewing(c)} data-testid="view-client-certificate">
                View PEM
              </button>
              <DeleteButton
                action={del}
                confirm={`Delete the client certificate ${c.clientCertificateId}?`}
                run={() => certsApi.remove(c.clientCertificateId)}
                toast="Deleted client certificate"
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
      {dialog.open ? (
        <GenerateDialog
          onClose={dialog.close}
          onDone={(c) => {
            dialog.created(`Generated ${c.clientCertificateId}`);
            setViewing(c);
          }}
        />
      ) : null}
      {viewing ? <PemDialog cert={viewing} onClose={() => setViewing(null)} /> : null}
    </ListPanel>
  );
}
