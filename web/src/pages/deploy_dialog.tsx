// Deploy API: snapshot the API into a new deployment and point a stage (new or
// existing) at it (CreateDeployment with stageName).
import { useEffect, useState } from 'preact/hooks';
import { deployments as deploymentsApi, stages as stagesApi } from '../api/apigateway';
import { navigate } from '../router';
import { useAction, useLoad } from '../ui/hooks';
import { ErrorBox, Field, Modal, toast } from '../ui/widgets';

const NEW = '__new__';

export function DeployDialog(props: { apiId: string; onClose: () => void; onDeployed: () => void }) {
  const stages = useLoad(() => stagesApi.list(props.apiId), [props.apiId]);
  const [choice, setChoice] = useState(NEW);
  const [newName, setNewName] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();

  // Default to the first existing stage once they are known.
  useEffect(() => {
    if (stages.data && stages.data.length > 0 && !newName) setChoice(stages.data[0]!.stageName);
  }, [stages.data]);

  const stageName = choice === NEW ? newName.trim() : choice;
  return (
    <Modal title="Deploy API" onClose={props.onClose} testid="deploy-dialog">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!stageName) return;
          if (!/^[a-zA-Z0-9_-]+$/.test(stageName)) {
            void action.run(() => Promise.reject(new Error('Stage names use letters, digits, "-" and "_".')));
            return;
          }
          if (await action.run(() => deploymentsApi.create(props.apiId, stageName, description.trim()))) {
            toast(`Deployed to ${stageName}`);
            props.onDeployed();
            props.onClose();
            navigate(`/apis/${props.apiId}/stages/${stageName}`);
          }
        }}
      >
        <Field label="Stage">
          <select name="stage" value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
            {(stages.data ?? []).map((s) => (
              <option key={s.stageName} value={s.stageName}>
                {s.stageName}
              </option>
            ))}
            <option value={NEW}>[New stage]</option>
          </select>
        </Field>
        {choice === NEW ? (
          <Field label="Stage name">
            <input name="stageName" value={newName} onInput={(e) => setNewName(e.currentTarget.value)} placeholder="dev" required autofocus />
          </Field>
        ) : null}
        <Field label="Deployment description">
          <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <ErrorBox error={stages.error ?? action.error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy || !stageName} data-testid="deploy-submit">
            {action.busy ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
