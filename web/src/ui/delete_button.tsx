// Destructive actions: ask in the confirmation dialog first, then run the call through
// the page's Action so a failure shows next to the list.
import type { Action } from './hooks';
import { confirmAction, toast } from './widgets';

/** Asks `question`; when confirmed runs `fn` through `action`. True when confirmed and it succeeded. */
export async function confirmRun(action: Action, question: string, fn: () => Promise<unknown>, verb = 'Delete'): Promise<boolean> {
  if (!(await confirmAction(question, verb))) return false;
  return action.run(fn);
}

/** A button that confirms, runs `run`, then shows `toast` (when given) and calls onDone. */
export function DeleteButton(props: {
  action: Action;
  confirm: string;
  run: () => Promise<unknown>;
  onDone: () => unknown;
  toast?: string;
  /** The button's text; "Delete" unless told. */
  label?: string;
  /** The confirming button's text; "Delete" unless told. */
  verb?: string;
  /** "small danger" (a table row) unless told. */
  class?: string;
  /** Disable the button while the action runs (header buttons do, row buttons do not). */
  busyDisables?: boolean;
  ariaLabel?: string;
  testid?: string;
}) {
  const { action } = props;
  return (
    <button
      type="button"
      class={props.class ?? 'small danger'}
      disabled={props.busyDisables ? action.busy : undefined}
      onClick={async () => {
        if (!(await confirmRun(action, props.confirm, props.run, props.verb))) return;
        if (props.toast) toast(props.toast);
        void props.onDone();
      }}
      aria-label={props.ariaLabel}
      data-testid={props.testid}
    >
      {props.label ?? 'Delete'}
    </button>
  );
}
