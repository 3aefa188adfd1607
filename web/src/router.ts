// History routing under the console's base path (/console/). Portico serves
// index.html for every /console/<path without a dot>, so deep links and reloads work.
// Navigation asks before leaving a page that holds unsaved edits.
import { useEffect, useState } from 'preact/hooks';

const BASE = import.meta.env.BASE_URL.replace(/\/+$/, ''); // "/console"

function currentPath(): string {
  const p = window.location.pathname;
  const rel = p.startsWith(BASE) ? p.slice(BASE.length) : p;
  return rel === '' ? '/' : rel;
}

const listeners = new Set<() => void>();
const dirtyEditors = new Set<object>();

function notify(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', notify);
window.addEventListener('beforeunload', (e) => {
  if (dirtyEditors.size > 0) {
    e.preventDefault();
  }
});

/** The full URL path for a console route ("/apis" → "/console/apis"). */
export function href(to: string): string {
  return BASE + to;
}

/** True when leaving is fine: nothing is unsaved, or the user agreed to drop it. */
export function mayLeave(): boolean {
  if (dirtyEditors.size === 0) return true;
  if (window.confirm('You have unsaved changes. Leave and discard them?')) {
    dirtyEditors.clear();
    return true;
  }
  return false;
}

export function navigate(to: string, opts: { replace?: boolean; force?: boolean } = {}): void {
  if (!opts.force && !mayLeave()) return;
  const url = href(to);
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.scrollTo(0, 0);
  notify();
}

/** The current route path, relative to the base; re-renders on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const l = () => setPath(currentPath());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return path;
}

/** Current query string parameters. */
export function query(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

/**
 * Matches "/apis/:id/stages" against a path; returns the decoded params or null.
 * A trailing "*" matches the rest of the path.
 */
export function match(pattern: string, path: string): Record<string, string> | null {
  const pp = pattern.split('/').filter(Boolean);
  const sp = path.split('/').filter(Boolean);
  const out: Record<string, string> = {};
  for (let i = 0; i < pp.length; i++) {
    const p = pp[i]!;
    if (p === '*') return out;
    const s = sp[i];
    if (s === undefined) return null;
    if (p.startsWith(':')) out[p.slice(1)] = decodeURIComponent(s);
    else if (p !== s) return null;
  }
  return sp.length === pp.length ? out : null;
}

/** Marks an editor as holding unsaved edits while `dirty` is true. */
export function useDirty(dirty: boolean): void {
  useEffect(() => {
    const token = {};
    if (dirty) dirtyEditors.add(token);
    return () => {
      dirtyEditors.delete(token);
    };
  }, [dirty]);
}

/**
 * Click handler for <a href>: client-side navigation unless a modifier asks for a new
 * tab. `force` skips the unsaved-changes question (for links that keep the page's state).
 */
export function onLinkClick(e: MouseEvent, force = false): void {
  const a = e.currentTarget as HTMLAnchorElement;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(BASE)) return;
  e.preventDefault();
  navigate(url.pathname.slice(BASE.length) + url.search, { force });
}
