// Small building blocks: links, error boxes, fields, modals, toasts, confirmations,
// tabs and a key/value table editor. Pages compose these; nothing here knows AWS.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { href, onLinkClick } from '../router';

export function Link(props: {
  to: string;
  class?: string;
  children: ComponentChildren;
  testid?: string;
  title?: string;
  /** Skip the unsaved-changes question (the target keeps this page's state). */
  force?: boolean;
}) {
  return (
    <a
      href={href(props.to)}
      class={props.class}
      onClick={(e) => onLinkClick(e, props.force)}
      data-testid={props.testid}
      title={props.title}
    >
      {props.children}
    </a>
  );
}

/** The error of the last action, shown where the user acted. */
export function ErrorBox(props: { error: Error | null | undefined; testid?: string; onDismiss?: () => void }) {
  if (!props.error) return null;
  const type = (props.error as { type?: string }).type;
  return (
    <div class="error-box" role="alert" data-testid={props.testid ?? 'error'}>
      <span>
        {type ? <strong>{type}: </strong> : null}
        {props.error.message}
      </span>
      {props.onDismiss ? (
        <button type="button" class="link-button" onClick={props.onDismiss} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}

/**
 * A labelled control; the hint sits outside the <label> so it is not part of the
 * control's accessible name. `block` captions content that is not one form control
 * (a code editor, a table) with a <div> instead of a <label>.
 */
export function Field(props: { label: string; hint?: ComponentChildren; children: ComponentChildren; wide?: boolean; block?: boolean }) {
  const caption = (
    <>
      <span class="field-label">{props.label}</span>
      {props.children}
    </>
  );
  return (
    <div class={props.wide ? 'field wide' : 'field'}>
      {props.block ? <div class="field-inner">{caption}</div> : <label class="field-inner">{caption}</label>}
      {props.hint ? <span class="field-hint">{props.hint}</span> : null}
    </div>
  );
}

export function Spinner(props: { label?: string }) {
  return (
    <span class="spinner" role="status">
      {props.label ?? 'Loading…'}
    </span>
  );
}

/** A loading / error / content switch for data from useLoad. */
export function Loading<T>(props: {
  data: T | undefined;
  error: Error | null;
  children: (d: T) => ComponentChildren;
}): JSX.Element {
  if (props.data !== undefined) return <>{props.children(props.data)}</>;
  if (props.error) return <ErrorBox error={props.error} testid="load-error" />;
  return <Spinner />;
}

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  testid?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onClose = props.onClose;
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('[autofocus], input, select, textarea, button.primary');
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      prev?.focus?.();
    };
  }, [onClose]);
  return (
    <div class="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        class={props.wide ? 'modal wide' : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testid}
        ref={ref}
      >
        <header class="modal-head">
          <h2>{props.title}</h2>
          <button type="button" class="link-button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}

// ---- Toasts: short confirmations of what just happened (aria-live). ----
type ToastItem = { id: number; text: string; kind: 'ok' | 'error' };
let toastSeq = 0;
const toastListeners = new Set<(t: ToastItem[]) => void>();
let toasts: ToastItem[] = [];

export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const t = { id: ++toastSeq, text, kind };
  toasts = [...toasts, t].slice(-3);
  toastListeners.forEach((l) => l(toasts));
  window.setTimeout(() => {
    toasts = toasts.filter((x) => x.id !== t.id);
    toastListeners.forEach((l) => l(toasts));
  }, 2500);
}

export function Toasts() {
  const [items, setItems] = useState<ToastItem[]>(toasts);
  useEffect(() => {
    toastListeners.add(setItems);
    return () => {
      toastListeners.delete(setItems);
    };
  }, []);
  return (
    <div class="toasts" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} class={`toast ${t.kind}`} data-testid="toast">
          {t.text}
        </div>
      ))}
    </div>
  );
}

// ---- Confirmation dialog for destructive actions. ----
type ConfirmRequest = { text: string; action: string; resolve: (ok: boolean) => void };
let confirmListener: ((r: ConfirmRequest | null) => void) | null = null;

/** Asks the user to confirm; resolves false on cancel or Escape. */
export function confirmAction(text: string, action = 'Delete'): Promise<boolean> {
  return new Promise((resolve) => {
    if (!confirmListener) return resolve(window.confirm(text));
    confirmListener({ text, action, resolve });
  });
}

export function ConfirmHost() {
  const [req, setReq] = useState<ConfirmRequest | null>(null);
  useEffect(() => {
    confirmListener = setReq;
    return () => {
      confirmListener = null;
    };
  }, []);
  if (!req) return null;
  const done = (ok: boolean) => {
    req.resolve(ok);
    setReq(null);
  };
  return (
    <Modal title="Please confirm" onClose={() => done(false)} testid="confirm-dialog">
      <p>{req.text}</p>
      <div class="actions">
        <button type="button" onClick={() => done(false)}>
          Cancel
        </button>
        <button type="button" class="danger primary" autofocus onClick={() => done(true)} data-testid="confirm-ok">
          {req.action}
        </button>
      </div>
    </Modal>
  );
}

export function Tabs<T extends string>(props: {
  tabs: readonly { id: T; label: string }[];
  active: T;
  onChange?: (t: T) => void;
  linkTo?: (t: T) => string;
  /** Tab links skip the unsaved-changes question: the page keeps every tab's state. */
  keepsState?: boolean;
}) {
  return (
    <nav class="tabs" role={props.linkTo ? undefined : 'tablist'}>
      {props.tabs.map((t) =>
        props.linkTo ? (
          <Link
            key={t.id}
            to={props.linkTo(t.id)}
            class={t.id === props.active ? 'tab active' : 'tab'}
            testid={`tab-${t.id}`}
            force={props.keepsState}
          >
            {t.label}
          </Link>
        ) : (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === props.active}
            class={t.id === props.active ? 'tab active' : 'tab'}
            onClick={() => props.onChange?.(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ),
      )}
    </nav>
  );
}

export interface KvRow {
  key: string;
  value: string;
}

export function toRows(m: Record<string, string | boolean> | undefined): KvRow[] {
  return Object.entries(m ?? {}).map(([key, value]) => ({ key, value: String(value) }));
}

export function fromRows(rows: KvRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.key.trim()) out[r.key.trim()] = r.value;
  return out;
}

/** A table of key/value rows; `valueKind: 'bool'` shows a checkbox (e.g. "required"). */
export function KeyValueEditor(props: {
  rows: KvRow[];
  onChange: (rows: KvRow[]) => void;
  keyLabel?: string;
  valueLabel?: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  valueKind?: 'text' | 'bool';
  testid?: string;
}) {
  const { rows, onChange } = props;
  const set = (i: number, patch: Partial<KvRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="kv" data-testid={props.testid}>
      <div class="kv-row kv-head">
        <span>{props.keyLabel ?? 'Name'}</span>
        <span>{props.valueLabel ?? 'Value'}</span>
        <span />
      </div>
      {rows.map((r, i) => (
        <div class="kv-row" key={i}>
          <input
            value={r.key}
            placeholder={props.keyPlaceholder}
            aria-label={`${props.keyLabel ?? 'Name'} ${i + 1}`}
            onInput={(e) => set(i, { key: e.currentTarget.value })}
          />
          {props.valueKind === 'bool' ? (
            <label class="inline">
              <input
                type="checkbox"
                checked={r.value === 'true'}
                onChange={(e) => set(i, { value: e.currentTarget.checked ? 'true' : 'false' })}
              />
              {props.valueLabel ?? 'Required'}
            </label>
          ) : (
            <input
              value={r.value}
              placeholder={props.valuePlaceholder}
              aria-label={`${props.valueLabel ?? 'Value'} ${i + 1}`}
              onInput={(e) => set(i, { value: e.currentTarget.value })}
            />
          )}
          <button
            type="button"
            class="link-button"
            aria-label="Remove row"
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        class="small"
        onClick={() => onChange([...rows, { key: '', value: props.valueKind === 'bool' ? 'false' : '' }])}
      >
        + Add
      </button>
    </div>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="small"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(props.text);
          setDone(true);
          window.setTimeout(() => setDone(false), 1200);
        } catch {
          toast('Copy failed: the clipboard is not available here', 'error');
        }
      }}
    >
      {done ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/** Empty-state text for a list. */
export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
