// <CodeEditor>: a controlled code editor. It shows a plain textarea at once and swaps
// in CodeMirror when its chunk has loaded, keeping whatever was typed meanwhile.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EditorLanguage, MountedEditor } from './code_mirror';

export type { EditorLanguage };

export interface CodeEditorProps {
  value: string;
  onChange: (v: string) => void;
  language: EditorLanguage;
  label: string;
  readOnly?: boolean;
  minHeight?: number;
  testid?: string;
  onSave?: () => void;
  onRun?: () => void;
}

let loader: Promise<typeof import('./code_mirror')> | null = null;
function loadCodeMirror() {
  loader ??= import('./code_mirror');
  return loader;
}

/** Starts fetching the editor chunk early (e.g. when a page that needs it opens). */
export function preloadEditor(): void {
  void loadCodeMirror();
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<MountedEditor | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cancelled = false;
    loadCodeMirror().then(
      (cm) => {
        if (cancelled || !host.current) return;
        const p = latest.current;
        editor.current = cm.mountEditor(host.current, {
          value: p.value,
          language: p.language,
          readOnly: p.readOnly,
          label: p.label,
          onChange: (v) => latest.current.onChange(v),
          onSave: () => latest.current.onSave?.(),
          onRun: () => latest.current.onRun?.(),
        });
        setReady(true);
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
      editor.current?.destroy();
      editor.current = null;
    };
    // The language and read-only flag are fixed for an editor's life (pages key it).
  }, []);

  useEffect(() => {
    editor.current?.setValue(props.value);
  }, [props.value]);

  const style = { '--editor-min': `${props.minHeight ?? 120}px` } as Record<string, string>;
  return (
    <div class="code-editor" data-testid={props.testid} data-ready={ready ? 'true' : 'false'} style={style}>
      <div ref={host} />
      {!ready || failed ? (
        <textarea
          class="code-fallback"
          value={props.value}
          readOnly={props.readOnly}
          aria-label={props.label}
          spellcheck={false}
          style={{ minHeight: `${props.minHeight ?? 120}px` }}
          onInput={(e) => props.onChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 's') {
              e.preventDefault();
              props.onSave?.();
            } else if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              props.onRun?.();
            }
          }}
        />
      ) : null}
    </div>
  );
}
