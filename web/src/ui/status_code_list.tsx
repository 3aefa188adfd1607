// The status codes of a method's responses as a list to pick from, each marked when it
// holds unsaved edits, with a box to add a code (Enter or "+ Add").
import type { ComponentChildren } from 'preact';
import { AddBox } from './add_box';

export function StatusCodeList(props: {
  /** The list's accessible name, e.g. "Method responses". */
  label: string;
  codes: string[];
  selected: string;
  dirty: string[];
  onSelect: (code: string) => void;
  /** Adds the typed code; returns false to keep it in the box (it was not valid). */
  onAdd: (code: string) => boolean;
  /** Test ids are `${testid}-${code}`. */
  testid: string;
  /** A note under a code (e.g. its selection pattern). */
  detail?: (code: string) => ComponentChildren;
}) {
  return (
    <ul class="status-list" aria-label={props.label}>
      {props.codes.map((c) => (
        <li key={c}>
          <button
            type="button"
            class={c === props.selected ? 'status-item active' : 'status-item'}
            onClick={() => props.onSelect(c)}
            data-testid={`${props.testid}-${c}`}
          >
            <strong>{c}</strong>
            {props.detail ? props.detail(c) : null}
            {props.dirty.includes(c) ? <span class="dot" title="Unsaved" /> : null}
          </button>
        </li>
      ))}
      <li class="status-add">
        <AddBox onAdd={props.onAdd} placeholder="400" label="New status code" button="+ Add" />
      </li>
    </ul>
  );
}
