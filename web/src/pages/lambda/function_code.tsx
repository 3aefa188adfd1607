// A function's code: the zip is fetched through its Location, unzipped in the browser,
// its text files edited, and saved back as a new zip (UpdateFunctionCode).
import { useMemo, useState } from 'preact/hooks';
import { lazyZip, type CodeFiles } from '../../api/code_files';
import { functions as functionsApi, type FunctionConfiguration, type FunctionDetail } from '../../api/lambda';
import { CodeEditor } from '../../editor/code_editor';
import { useDirty } from '../../router';
import { useAction, useLoad } from '../../ui/hooks';
import { ErrorBox, Spinner, toast } from '../../ui/widgets';
import { editorLanguage } from './functions';

function mainFile(files: CodeFiles, handler: string): string {
  const names = Object.keys(files);
  const module = handler.includes('.') ? handler.slice(0, handler.lastIndexOf('.')) : handler;
  return (
    names.find((n) => n === `${module}.mjs` || n === `${module}.js` || n === `${module}.cjs` || n === `${module}.py`) ??
    names.find((n) => n === 'bootstrap') ??
    names.find((n) => typeof files[n] === 'string') ??
    names[0] ??
    ''
  );
}

export function FunctionCode(props: {
  name: string;
  detail: FunctionDetail;
  config: FunctionConfiguration;
  onSaved: (c: FunctionConfiguration) => void;
}) {
  const location = props.detail.Code?.Location ?? '';
  const loaded = useLoad(async () => {
    if (!location) return {};
    const [zip, bytes] = await Promise.all([lazyZip(), functionsApi.downloadCode(location)]);
    return zip.unzipCode(bytes);
  }, [location]);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<CodeFiles | null>(null);
  const [selected, setSelected] = useState('');
  const [newFile, setNewFile] = useState('');
  const action = useAction();

  const base = saved ?? loaded.data;
  const files: CodeFiles | undefined = useMemo(() => (base ? { ...base, ...edits } : undefined), [base, edits]);
  const dirtyNames = Object.keys(edits).filter((n) => base?.[n] !== edits[n]);
  useDirty(dirtyNames.length > 0);

  if (loaded.error && !files) return <ErrorBox error={loaded.error} testid="code-load-error" />;
  if (!files) return <Spinner label="Loading code…" />;

  const names = Object.keys(files).sort();
  const current = selected && names.includes(selected) ? selected : mainFile(files, props.config.Handler ?? '');
  const content = files[current];

  const save = async () => {
    let cfg: FunctionConfiguration | null = null;
    const ok = await action.run(async () => {
      const { zipToBase64 } = await lazyZip();
      cfg = await functionsApi.updateCode(props.name, zipToBase64(files));
    });
    if (ok) {
      setSaved(files);
      setEdits({});
      toast('Saved code');
      props.onSaved(cfg!);
    }
  };

  return (
    <div class="panel function-code" data-testid="function-code">
      <header class="panel-head">
        <h2>Code</h2>
        <span class="muted small-text">
          {props.config.CodeSize ? `${props.config.CodeSize} bytes zipped` : ''}
          {props.config.CodeSha256 ? ` · sha256 ${props.config.CodeSha256.slice(0, 12)}…` : ''}
        </span>
        <span class="spacer" />
        <span class="muted small-text">{dirtyNames.length ? 'Unsaved · Ctrl+S saves' : ''}</span>
        <button type="button" class="primary" onClick={save} disabled={action.busy || dirtyNames.length === 0} data-testid="save-code">
          {action.busy ? 'Saving…' : 'Save code'}
        </button>
      </header>
      <ErrorBox error={action.error} testid="save-code-error" />
      <div class="file-tabs" role="tablist" aria-label="Files">
        {names.map((n) => (
          <button
            key={n}
            type="button"
            role="tab"
            aria-selected={n === current}
            class={n === current ? 'tab active' : 'tab'}
            onClick={() => setSelected(n)}
          >
            {n}
            {dirtyNames.includes(n) ? ' •' : ''}
          </button>
        ))}
        <form
          class="file-add"
          onSubmit={(e) => {
            e.preventDefault();
            const n = newFile.trim();
            if (!n) return;
            if (!(n in files)) setEdits((ed) => ({ ...ed, [n]: '' }));
            setSelected(n);
            setNewFile('');
          }}
        >
          <input value={newFile} placeholder="new file" aria-label="New file name" onInput={(e) => setNewFile(e.currentTarget.value)} />
        </form>
      </div>
      {typeof content === 'string' ? (
        <CodeEditor
          key={current}
          value={content}
          onChange={(v) => setEdits((ed) => ({ ...ed, [current]: v }))}
          language={editorLanguage(props.config.Runtime ?? '', current)}
          label={`Code of ${current}`}
          testid="function-code-editor"
          minHeight={260}
          onSave={() => void save()}
        />
      ) : content ? (
        <p class="muted">
          {current} is a binary file ({content.length} bytes); it is kept as is when you save.
        </p>
      ) : (
        <p class="muted">The code package is empty.</p>
      )}
    </div>
  );
}
