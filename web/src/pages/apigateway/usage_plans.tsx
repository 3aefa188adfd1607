// Usage plans: list, create (throttle, quota, API stages), delete, and the API keys
// attached to each plan.
import { useState } from 'preact/hooks';
import { apiKeys as apiKeysApi, restApis, stages as stagesApi, usagePlans as plansApi, type UsagePlan } from '../../api/apigateway';
import { DeleteButton } from '../../ui/delete_button';
import { Form } from '../../ui/form';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { TextField } from '../../ui/text_field';
import { ErrorBox, Field, Loading } from '../../ui/widgets';

function CreatePlanDialog(props: { onClose: () => void; onCreated: () => void }) {
  const targets = useLoad(async () => {
    const apis = await restApis.list();
    const all = await Promise.all(apis.map(async (a) => (await stagesApi.list(a.id)).map((s) => ({ api: a, stage: s.stageName }))));
    return all.flat();
  }, []);
  const [name, setName] = useState('');
  const [rate, setRate] = useState('');
  const [burst, setBurst] = useState('');
  const [quota, setQuota] = useState('');
  const [period, setPeriod] = useState('DAY');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const action = useAction();

  const submit = async () => {
    const plan: Omit<UsagePlan, 'id'> = {
      name: name.trim(),
      apiStages: [...picked].map((k) => {
        const [apiId, stage] = k.split(':') as [string, string];
        return { apiId, stage };
      }),
    };
    if (rate || burst) plan.throttle = { ...(rate ? { rateLimit: Number(rate) } : {}), ...(burst ? { burstLimit: Number(burst) } : {}) };
    if (quota) plan.quota = { limit: Number(quota), period };
    await plansApi.create(plan);
  };

  return (
    <FormDialog
      title="Create usage plan"
      onClose={props.onClose}
      wide
      action={action}
      submit="Create plan"
      onSubmit={async () => {
        if (await action.run(submit)) props.onCreated();
      }}
    >
      <TextField label="Name" value={name} onValue={setName} name="name" required autofocus />
      <div class="form-row">
        <TextField label="Rate (requests/s)" value={rate} onValue={setRate} type="number" min={0} />
        <TextField label="Burst" value={burst} onValue={setBurst} type="number" min={0} />
        <TextField label="Quota (requests)" value={quota} onValue={setQuota} type="number" min={0} />
        <Field label="per">
          <select value={period} onChange={(e) => setPeriod(e.currentTarget.value)}>
            <option>DAY</option>
            <option>WEEK</option>
            <option>MONTH</option>
          </select>
        </Field>
      </div>
      <fieldset class="choice-group">
        <legend>API stages</legend>
        <Loading data={targets.data} error={targets.error}>
          {(ts) =>
            ts.length === 0 ? (
              <span class="muted small-text">No deployed stages yet.</span>
            ) : (
              <>
                {ts.map((t) => {
                  const k = `${t.api.id}:${t.stage}`;
                  return (
                    <label key={k} class="inline">
                      <input
                        type="checkbox"
                        checked={picked.has(k)}
                        onChange={(e) => {
                          const next = new Set(picked);
                          if (e.currentTarget.checked) next.add(k);
                          else next.delete(k);
                          setPicked(next);
                        }}
                      />
                      {t.api.name} / {t.stage}
                    </label>
                  );
                })}
              </>
            )
          }
        </Loading>
      </fieldset>
    </FormDialog>
  );
}

function PlanKeys(props: { plan: UsagePlan }) {
  const keys = useLoad(() => plansApi.keys(props.plan.id), [props.plan.id]);
  const all = useLoad(() => apiKeysApi.list(), []);
  const [keyId, setKeyId] = useState('');
  const action = useAction();
  const attached = new Set((keys.data ?? []).map((k) => k.id));
  return (
    <div class="plan-keys">
      <Loading data={keys.data} error={keys.error}>
        {(ks) => (
          <ul class="chips">
            {ks.map((k) => (
              <li key={k.id} class="chip">
                {k.name ?? k.id}
                <button
                  type="button"
                  class="link-button"
                  aria-label={`Remove ${k.name ?? k.id}`}
                  onClick={async () => {
                    if (await action.run(() => plansApi.removeKey(props.plan.id, k.id))) void keys.reload();
                  }}
                >
                  ×
                </button>
              </li>
            ))}
            {ks.length === 0 ? <li class="muted small-text">No keys</li> : null}
          </ul>
        )}
      </Loading>
      <Form
        class="form-row"
        onSubmit={async () => {
          if (keyId && (await action.run(() => plansApi.addKey(props.plan.id, keyId)))) {
            setKeyId('');
            void keys.reload();
          }
        }}
      >
        <select value={keyId} onChange={(e) => setKeyId(e.currentTarget.value)} aria-label="API key to add">
          <option value="">Add a key…</option>
          {(all.data ?? [])
            .filter((k) => !attached.has(k.id))
            .map((k) => (
              <option key={k.id} value={k.id}>
                {k.name ?? k.id}
              </option>
            ))}
        </select>
        <button type="submit" class="small" disabled={!keyId || action.busy}>
          Add
        </button>
      </Form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </div>
  );
}

export function UsagePlansPage() {
  const list = useLoad(() => plansApi.list(), []);
  const dialog = useCreateDialog(list.reload);
  const del = useAction();
  return (
    <ListPanel title="Usage plans" level="page" testid="usageplans-page" create={{ label: 'Create usage plan', onClick: dialog.show }} action={del}>
      <ResourceTable
        list={list}
        columns={['Name', 'Throttle', 'Quota', 'Stages', 'Keys', '']}
        empty="No usage plans."
        row={(p) => (
          <tr key={p.id}>
            <td>
              {p.name}
              <div class="muted small-text">
                <code>{p.id}</code>
              </div>
            </td>
            <td>{p.throttle ? `${p.throttle.rateLimit ?? '–'} rps, burst ${p.throttle.burstLimit ?? '–'}` : <span class="muted">none</span>}</td>
            <td>{p.quota ? `${p.quota.limit} / ${p.quota.period}` : <span class="muted">none</span>}</td>
            <td>{(p.apiStages ?? []).map((s) => `${s.apiId}/${s.stage}`).join(', ')}</td>
            <td>
              <PlanKeys plan={p} />
            </td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Delete the usage plan ${p.name}?`}
                run={() => plansApi.remove(p.id)}
                toast={`Deleted ${p.name}`}
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
      {dialog.open ? <CreatePlanDialog onClose={dialog.close} onCreated={() => dialog.created('Created usage plan')} /> : null}
    </ListPanel>
  );
}
