// Deploy API: snapshot the API into a new deployment and point a stage (new or
// existing) at it (CreateDeployment with stageName).
import { useEffect, useState } from 'preact/hooks';
import { deployments as deploymentsApi, stages as stagesApi } from '../../api/apigateway';
import { navigate } from '../../router';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { TextField } from '../../ui/text_field';
import { Field, toast } from '../../ui/widgets';

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
    <FormDialog
      title="Deploy API"
      onClose={props.onClose}
      testid="deploy-dialog"
      action={action}
      error={stages.error}
      submit="Deploy"
      busyLabel="Deploying…"
      submitDisabled={!stageName}
      submitTestid="deploy-submit"
      onSubmit={async () => {
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
        <TextField label="Stage name" value={newName} onValue={setNewName} name="stageName" placeholder="dev" required autofocus />
      ) : null}
      <TextField label="Deployment description" value={description} onValue={setDescription} name="description" />
    </FormDialog>
  );
}
