// Drafts of a method's per-status-code entries (integration responses, method
// responses): edits to several codes are kept while switching between them, each code
// saves and deletes on its own, and the page counts as dirty while any code differs.
import { useMemo, useState } from 'preact/hooks';
import { useDirty } from '../../../router';
import { confirmRun } from '../../../ui/delete_button';
import { useAction, type Action } from '../../../ui/hooks';

export interface StatusDraft {
  statusCode: string;
  /** Added in the editor and not saved yet. */
  isNew: boolean;
}

export interface StatusDrafts<D extends StatusDraft> {
  /** Every code's draft. */
  drafts: Record<string, D>;
  codes: string[];
  selected: string;
  select: (code: string) => void;
  current: D | undefined;
  dirtyCodes: string[];
  action: Action;
  update: (p: Partial<D>) => void;
  /** Adds (or selects) a typed code; false, with the error in `action`, when it is not one. */
  add: (typed: string) => boolean;
  save: () => Promise<void>;
  remove: () => Promise<void>;
}

export function useStatusDrafts<D extends StatusDraft>(opts: {
  initial: () => D[];
  /** What is sent for a draft; drafts with the same body are unchanged. */
  body: (d: D) => unknown;
  /** A new draft for a code the user added. */
  create: (code: string) => D;
  /** Saves a draft and returns it as the server now has it. */
  put: (d: D) => Promise<D>;
  delete: (code: string) => Promise<unknown>;
  /** For the confirmation: "Delete the 400 integration response?" */
  noun: string;
  onSaved: () => void;
}): StatusDrafts<D> {
  const [originals, setOriginals] = useState<Record<string, D>>(() => Object.fromEntries(opts.initial().map((d) => [d.statusCode, d])));
  const [drafts, setDrafts] = useState(originals);
  const codes = Object.keys(drafts).sort();
  const [selected, setSelected] = useState(codes[0] ?? '');
  const action = useAction();
  const current = drafts[selected];
  const dirtyCodes = useMemo(
    () =>
      codes.filter((c) => {
        const o = originals[c];
        return !o || drafts[c]!.isNew || JSON.stringify(opts.body(drafts[c]!)) !== JSON.stringify(opts.body(o));
      }),
    [drafts, originals],
  );
  useDirty(dirtyCodes.length > 0);

  const update = (p: Partial<D>) => setDrafts((d) => ({ ...d, [selected]: { ...d[selected]!, ...p } }));

  const add = (typed: string) => {
    const code = typed.trim();
    if (!/^[1-5]\d\d$/.test(code)) {
      void action.run(() => Promise.reject(new Error('A status code is three digits, 100 to 599.')));
      return false;
    }
    if (!drafts[code]) setDrafts((d) => ({ ...d, [code]: opts.create(code) }));
    setSelected(code);
    action.clear();
    return true;
  };

  const save = async () => {
    if (!current) return;
    let saved: D | null = null;
    if (await action.run(async () => (saved = await opts.put(current)))) {
      const d: D = saved!;
      setOriginals((o) => ({ ...o, [d.statusCode]: d }));
      setDrafts((all) => ({ ...all, [d.statusCode]: d }));
      opts.onSaved();
    }
  };

  const drop = () => {
    const { [selected]: _d, ...rest } = drafts;
    const { [selected]: _o, ...restO } = originals;
    setDrafts(rest);
    setOriginals(restO);
    setSelected(Object.keys(rest).sort()[0] ?? '');
  };

  const remove = async () => {
    if (!current) return;
    if (current.isNew) return drop();
    if (await confirmRun(action, `Delete the ${selected} ${opts.noun}?`, () => opts.delete(selected))) {
      drop();
      opts.onSaved();
    }
  };

  return { drafts, codes, selected, select: setSelected, current, dirtyCodes, action, update, add, save, remove };
}
