// Usage plans: list, create (throttle, quota, API stages), delete, and the API keys
// attached to each plan.
import { useState } from 'preact/hooks';
import { apiKeys as apiKeysApi, restApis, stages as stagesApi, usagePlans as plansApi, type UsagePlan } from '../api/apigateway';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, Loading, Modal, toast } from '../ui/widgets';

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
    <Modal title="Create usage plan" onClose={props.onClose} wide>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await action.run(submit)) props.onCreated();
        }}
      >
        <Field label="Name">
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus />
        </Field>
        <div class="form-row">
          <Field label="Rate (requests/s)">
            <input type="number" min={0} value={rate} onInput={(e) => setRate(e.currentTarget.value)} />
          </Field>
          <Field label="Burst">
            <input type="number" min={0} value={burst} onInput={(e) => setBurst(e.currentTarget.value)} />
          </Field>
          <Field label="Quota (requests)">
            <input type="number" min={0} value={quota} onInput={(e) => setQuota(e.currentTarget.value)} />
          </Field>
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
        <ErrorBox error={action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy}>
            Create plan
          </button>
        </div>
      </form>
    </Modal>
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
      <form
        class="form-row"
        onSubmit={async (e) => {
          e.preventDefault();
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
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </div>
  );
}

export function UsagePlansPage() {
  const list = useLoad(() => plansApi.list(), []);
  const [creating, setCreating] = useState(false);
  const del = useAction();
  return (
    <section class="page" data-testid="usageplans-page">
      <header class="page-head">
        <h1>Usage plans</h1>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create usage plan
        </button>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={list.data} error={list.error}>
        {(items) =>
          items.length === 0 ? (
            <Empty>No usage plans.</Empty>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Throttle</th>
                  <th>Quota</th>
                  <th>Stages</th>
                  <th>Keys</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
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
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the usage plan ${p.name}?`))) return;
                          if (await del.run(() => plansApi.remove(p.id))) {
                            toast(`Deleted ${p.name}`);
                            void list.reload();
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
      {creating ? (
        <CreatePlanDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            toast('Created usage plan');
            void list.reload();
          }}
        />
      ) : null}
    </section>
  );
}
