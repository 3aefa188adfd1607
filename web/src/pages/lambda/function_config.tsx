// A function's configuration: handler, runtime, memory, timeout, description, role and
// environment variables (UpdateFunctionConfiguration with only what changed).
import { useMemo, useState } from 'preact/hooks';
import { functions as functionsApi, type FunctionConfiguration } from '../../api/lambda';
import { useDirty } from '../../router';
import { Form } from '../../ui/form';
import { useAction } from '../../ui/hooks';
import { TextField } from '../../ui/text_field';
import { ErrorBox, KeyValueEditor, fromRows, toRows, toast, type KvRow } from '../../ui/widgets';
import { RuntimeField } from './runtime_field';

export function FunctionConfig(props: { config: FunctionConfiguration; onSaved: (c: FunctionConfiguration) => void }) {
  const [original, setOriginal] = useState(props.config);
  const [handler, setHandler] = useState(original.Handler ?? '');
  const [runtime, setRuntime] = useState(original.Runtime ?? 'nodejs20.x');
  const [memory, setMemory] = useState(String(original.MemorySize ?? 128));
  const [timeout, setTimeoutS] = useState(String(original.Timeout ?? 3));
  const [description, setDescription] = useState(original.Description ?? '');
  const [role, setRole] = useState(original.Role ?? '');
  const [env, setEnv] = useState<KvRow[]>(() => toRows(original.Environment?.Variables));
  const action = useAction();

  const changes = useMemo(() => {
    const c: Partial<FunctionConfiguration> = {};
    if (handler !== (original.Handler ?? '')) c.Handler = handler.trim();
    if (runtime !== (original.Runtime ?? '')) c.Runtime = runtime;
    if (Number(memory) !== original.MemorySize) c.MemorySize = Number(memory);
    if (Number(timeout) !== original.Timeout) c.Timeout = Number(timeout);
    if (description !== (original.Description ?? '')) c.Description = description;
    if (role !== (original.Role ?? '')) c.Role = role.trim();
    const vars = fromRows(env);
    if (JSON.stringify(vars) !== JSON.stringify(original.Environment?.Variables ?? {})) c.Environment = { Variables: vars };
    return c;
  }, [handler, runtime, memory, timeout, description, role, env, original]);
  const dirty = Object.keys(changes).length > 0;
  useDirty(dirty);

  const save = async () => {
    let cfg: FunctionConfiguration | null = null;
    if (await action.run(async () => (cfg = await functionsApi.updateConfiguration(original.FunctionName, changes)))) {
      setOriginal(cfg!);
      setEnv(toRows(cfg!.Environment?.Variables));
      toast('Saved configuration');
      props.onSaved(cfg!);
    }
  };

  return (
    <Form class="panel form" testid="function-config" onSubmit={save}>
      <header class="panel-head">
        <h2>Configuration</h2>
      </header>
      <div class="form-row">
        <RuntimeField value={runtime} onChange={setRuntime} />
        <TextField label="Handler" value={handler} onValue={setHandler} name="handler" required />
        <TextField label="Memory (MB)" hint="128 to 10240" value={memory} onValue={setMemory} name="memorySize" type="number" min={128} max={10240} />
        <TextField label="Timeout (s)" hint="1 to 900" value={timeout} onValue={setTimeoutS} name="timeout" type="number" min={1} max={900} />
      </div>
      <TextField label="Description" wide value={description} onValue={setDescription} name="description" />
      <TextField label="Role" wide value={role} onValue={setRole} name="role" />
      <h3>Environment variables</h3>
      <KeyValueEditor rows={env} onChange={setEnv} keyLabel="Name" valueLabel="Value" testid="environment" />
      <ErrorBox error={action.error} testid="config-error" />
      <div class="actions">
        <span class="muted small-text">{dirty ? 'Unsaved changes' : 'No changes'}</span>
        <button type="submit" class="primary" disabled={action.busy || !dirty} data-testid="save-config">
          Save configuration
        </button>
      </div>
    </Form>
  );
}
