// Lambda functions: list, filter, create (inline code zipped in the browser), delete.
import { useState } from 'preact/hooks';
import { handlerFile, lazyZip, STARTER_CODE } from '../../api/code_files';
import { DEFAULT_ROLE, functions as functionsApi } from '../../api/lambda';
import { CodeEditor, preloadEditor } from '../../editor/code_editor';
import { navigate, useDirty } from '../../router';
import { DeleteButton } from '../../ui/delete_button';
import { FormDialog } from '../../ui/form_dialog';
import { useAction, useLoad } from '../../ui/hooks';
import { ListPanel } from '../../ui/list_panel';
import { ResourceTable } from '../../ui/resource_table';
import { useCreateDialog } from '../../ui/use_create_dialog';
import { useFilter } from '../../ui/use_filter';
import { TextField } from '../../ui/text_field';
import { Field, Link } from '../../ui/widgets';
import { RuntimeField } from './runtime_field';

export function editorLanguage(runtime: string, file: string) {
  if (file.endsWith('.json')) return 'json' as const;
  if (runtime.startsWith('python') || file.endsWith('.py')) return 'python' as const;
  if (runtime.startsWith('nodejs') || /\.(m?js|cjs|ts)$/.test(file)) return 'javascript' as const;
  return 'text' as const;
}

function preload() {
  preloadEditor();
  void lazyZip();
}

function CreateFunctionDialog(props: { onClose: () => void; onCreated: (name: string) => void }) {
  const [name, setName] = useState('');
  const [runtime, setRuntime] = useState<string>('nodejs20.x');
  const [handler, setHandler] = useState(STARTER_CODE['nodejs20.x']!.handler);
  const [code, setCode] = useState(STARTER_CODE['nodejs20.x']!.code);
  const [fileName, setFileName] = useState('');
  const [memory, setMemory] = useState('128');
  const [timeout, setTimeoutS] = useState('3');
  const [role, setRole] = useState(DEFAULT_ROLE);
  const action = useAction();
  const derivedFile = handlerFile(runtime, handler, code);
  const file = fileName.trim() || derivedFile;
  const starter = STARTER_CODE[runtime]!;
  useDirty(name !== '' || code !== starter.code);

  const changeRuntime = (r: string) => {
    const s = STARTER_CODE[r]!;
    // Swap the starter code only while the code is still the previous starter.
    if (code === starter.code) setCode(s.code);
    if (handler === starter.handler) setHandler(s.handler);
    setRuntime(r);
  };

  const submit = async () => {
    const { zipToBase64 } = await lazyZip();
    await functionsApi.create({
      FunctionName: name.trim(),
      Runtime: runtime,
      Role: role.trim(),
      Handler: handler.trim(),
      MemorySize: Number(memory),
      Timeout: Number(timeout),
      Code: { ZipFile: zipToBase64({ [file]: code }) },
    });
  };

  return (
    <FormDialog
      title="Create function"
      onClose={props.onClose}
      wide
      testid="create-function-dialog"
      action={action}
      errorTestid="create-function-error"
      submit="Create function"
      busyLabel="Creating…"
      submitTestid="create-function-submit"
      onSubmit={async () => {
        if (await action.run(submit)) props.onCreated(name.trim());
      }}
    >
      <div class="form-row">
        <TextField label="Function name" value={name} onValue={setName} name="functionName" required autofocus pattern="[a-zA-Z0-9_\-]{1,64}" />
        <RuntimeField value={runtime} onChange={changeRuntime} />
        <TextField label="Handler" value={handler} onValue={setHandler} name="handler" required />
        <TextField label="File in the zip" value={fileName} onValue={setFileName} name="fileName" placeholder={derivedFile} />
      </div>
      <Field label={`Code (${file})`} wide block>
        <CodeEditor
          key={runtime}
          value={code}
          onChange={setCode}
          language={editorLanguage(runtime, file)}
          label="Function code"
          testid="create-function-code"
          minHeight={200}
        />
      </Field>
      <div class="form-row">
        <TextField label="Memory (MB)" value={memory} onValue={setMemory} name="memorySize" type="number" min={128} max={10240} />
        <TextField label="Timeout (s)" value={timeout} onValue={setTimeoutS} name="timeout" type="number" min={1} max={900} />
        <TextField label="Role" wide value={role} onValue={setRole} name="role" required />
      </div>
    </FormDialog>
  );
}

export function FunctionsPage() {
  const list = useLoad(() => functionsApi.list(), []);
  const filter = useFilter('Filter functions');
  const dialog = useCreateDialog();
  const del = useAction();
  return (
    <ListPanel
      title="Functions"
      level="page"
      testid="functions-page"
      filter={filter}
      create={{ label: 'Create function', onClick: dialog.show, testid: 'create-function', onPreload: preload }}
      action={del}
    >
      <ResourceTable
        list={list}
        testid="function-list"
        columns={['Name', 'Runtime', 'Handler', 'Memory', 'Timeout', 'Last modified', '']}
        empty="No functions yet."
        shown={(items) => {
          const f = filter.text;
          return items.filter((x) => !f || x.FunctionName.toLowerCase().includes(f)).sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
        }}
        row={(fn) => (
          <tr key={fn.FunctionName}>
            <td>
              <Link to={`/functions/${encodeURIComponent(fn.FunctionName)}`} testid={`function-link-${fn.FunctionName}`}>
                {fn.FunctionName}
              </Link>
            </td>
            <td>{fn.Runtime}</td>
            <td>
              <code>{fn.Handler}</code>
            </td>
            <td>{fn.MemorySize} MB</td>
            <td>{fn.Timeout} s</td>
            <td class="muted">{fn.LastModified?.replace('T', ' ').slice(0, 19)}</td>
            <td class="row-actions">
              <DeleteButton
                action={del}
                confirm={`Delete the function ${fn.FunctionName} with all its versions and aliases?`}
                run={() => functionsApi.remove(fn.FunctionName)}
                toast={`Deleted ${fn.FunctionName}`}
                onDone={list.reload}
              />
            </td>
          </tr>
        )}
      />
      {dialog.open ? (
        <CreateFunctionDialog
          onClose={dialog.close}
          onCreated={(name) => {
            dialog.created(`Created ${name}`);
            navigate(`/functions/${encodeURIComponent(name)}`, { force: true });
          }}
        />
      ) : null}
    </ListPanel>
  );
}
