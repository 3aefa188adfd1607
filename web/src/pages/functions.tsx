// Lambda functions: list, filter, create (inline code zipped in the browser), delete.
import { useState } from 'preact/hooks';
import { handlerFile, lazyZip, STARTER_CODE } from '../api/code_files';
import { DEFAULT_ROLE, functions as functionsApi, RUNTIMES } from '../api/lambda';
import { CodeEditor, preloadEditor } from '../editor/code_editor';
import { navigate, useDirty } from '../router';
import { useAction, useLoad } from '../ui/hooks';
import { confirmAction, Empty, ErrorBox, Field, Link, Loading, Modal, toast } from '../ui/widgets';

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
    <Modal title="Create function" onClose={props.onClose} wide testid="create-function-dialog">
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await action.run(submit)) props.onCreated(name.trim());
        }}
      >
        <div class="form-row">
          <Field label="Function name">
            <input name="functionName" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus pattern="[a-zA-Z0-9_\-]{1,64}" />
          </Field>
          <Field label="Runtime">
            <select name="runtime" value={runtime} onChange={(e) => changeRuntime(e.currentTarget.value)}>
              {RUNTIMES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
          <Field label="Handler">
            <input name="handler" value={handler} onInput={(e) => setHandler(e.currentTarget.value)} required />
          </Field>
          <Field label="File in the zip">
            <input name="fileName" value={fileName} placeholder={derivedFile} onInput={(e) => setFileName(e.currentTarget.value)} />
          </Field>
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
          <Field label="Memory (MB)">
            <input name="memorySize" type="number" min={128} max={10240} value={memory} onInput={(e) => setMemory(e.currentTarget.value)} />
          </Field>
          <Field label="Timeout (s)">
            <input name="timeout" type="number" min={1} max={900} value={timeout} onInput={(e) => setTimeoutS(e.currentTarget.value)} />
          </Field>
          <Field label="Role" wide>
            <input name="role" value={role} onInput={(e) => setRole(e.currentTarget.value)} required />
          </Field>
        </div>
        <ErrorBox error={action.error} testid="create-function-error" />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy} data-testid="create-function-submit">
            {action.busy ? 'Creating…' : 'Create function'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function FunctionsPage() {
  const list = useLoad(() => functionsApi.list(), []);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const del = useAction();
  return (
    <section class="page" data-testid="functions-page">
      <header class="page-head">
        <h1>Functions</h1>
        <input
          class="filter"
          data-filter
          placeholder="Filter (press /)"
          aria-label="Filter functions"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <button
          type="button"
          class="primary"
          onMouseEnter={preload}
          onFocus={preload}
          onClick={() => setCreating(true)}
          data-testid="create-function"
        >
          Create function
        </button>
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={list.data} error={list.error}>
        {(items) => {
          const f = filter.toLowerCase();
          const shown = items.filter((x) => !f || x.FunctionName.toLowerCase().includes(f)).sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
          if (items.length === 0) return <Empty>No functions yet.</Empty>;
          return (
            <table class="table" data-testid="function-list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Runtime</th>
                  <th>Handler</th>
                  <th>Memory</th>
                  <th>Timeout</th>
                  <th>Last modified</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {shown.map((fn) => (
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
                      <button
                        type="button"
                        class="small danger"
                        onClick={async () => {
                          if (!(await confirmAction(`Delete the function ${fn.FunctionName} with all its versions and aliases?`))) return;
                          if (await del.run(() => functionsApi.remove(fn.FunctionName))) {
                            toast(`Deleted ${fn.FunctionName}`);
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
          );
        }}
      </Loading>
      {creating ? (
        <CreateFunctionDialog
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            toast(`Created ${name}`);
            navigate(`/functions/${encodeURIComponent(name)}`, { force: true });
          }}
        />
      ) : null}
    </section>
  );
}
