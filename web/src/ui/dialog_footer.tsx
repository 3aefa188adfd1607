// The foot of a dialog's form: Cancel, and the submit button that stays disabled while
// the dialog's action runs.

export function DialogFooter(props: {
  onCancel: () => void;
  label: string;
  busy: boolean;
  /** Shown on the submit button while busy (e.g. "Creating…"); the label otherwise. */
  busyLabel?: string;
  disabled?: boolean;
  testid?: string;
}) {
  return (
    <div class="actions">
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="submit" class="primary" disabled={props.busy || !!props.disabled} data-testid={props.testid}>
        {props.busy && props.busyLabel ? props.busyLabel : props.label}
      </button>
    </div>
  );
}
