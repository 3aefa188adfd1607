// CodeMirror 6 set-up for templates, JSON and function code. Loaded lazily (see
// code_editor.tsx) so the first paint does not wait for it.
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { StreamLanguage } from '@codemirror/language';
import { velocity } from '@codemirror/legacy-modes/mode/velocity';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';

export type EditorLanguage = 'json' | 'javascript' | 'python' | 'vtl' | 'text';

export interface MountOptions {
  value: string;
  language: EditorLanguage;
  readOnly?: boolean;
  label?: string;
  onChange: (value: string) => void;
  /** Ctrl/Cmd+S. */
  onSave?: () => void;
  /** Ctrl/Cmd+Enter. */
  onRun?: () => void;
}

export interface MountedEditor {
  setValue(value: string): void;
  /** Replaces the callbacks (they close over the latest component state). */
  setCallbacks(c: Pick<MountOptions, 'onChange' | 'onSave' | 'onRun'>): void;
  focus(): void;
  destroy(): void;
}

function languageFor(lang: EditorLanguage): Extension {
  switch (lang) {
    case 'json':
      return json();
    case 'javascript':
      return javascript();
    case 'python':
      return python();
    case 'vtl':
      return StreamLanguage.define(velocity);
    default:
      return [];
  }
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid var(--border)', borderRadius: '6px', background: 'var(--input-bg)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-1px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', minHeight: 'var(--editor-min, 120px)', maxHeight: '60vh' },
  '.cm-gutters': { background: 'var(--panel-2)', color: 'var(--muted)', border: 'none' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-activeLine': { background: 'var(--hover)' },
  '.cm-activeLineGutter': { background: 'var(--hover)' },
});

export function mountEditor(parent: HTMLElement, opts: MountOptions): MountedEditor {
  const callbacks = { ...opts };
  let applying = false;
  const keys = keymap.of([
    { key: 'Mod-s', preventDefault: true, run: () => (callbacks.onSave?.(), true) },
    { key: 'Mod-Enter', preventDefault: true, run: () => (callbacks.onRun?.(), true) },
    indentWithTab,
  ]);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.value,
      extensions: [
        keys,
        basicSetup,
        languageFor(opts.language),
        theme,
        EditorState.readOnly.of(!!opts.readOnly),
        EditorView.contentAttributes.of({ 'aria-label': opts.label ?? 'Code editor' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !applying) callbacks.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    setValue(value: string) {
      if (value === view.state.doc.toString()) return;
      applying = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
      applying = false;
    },
    setCallbacks(c) {
      Object.assign(callbacks, c);
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
