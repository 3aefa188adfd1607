// A modal holding one form: its fields, the error of its action and the Cancel / submit
// footer. Create and edit dialogs are this with their own fields.
import type { ComponentChildren } from 'preact';
import type { Action } from './hooks';
import { DialogFooter } from './dialog_footer';
import { Form } from './form';
import { ErrorBox, Modal } from './widgets';

export function FormDialog(props: {
  title: string;
  onClose: () => void;
  /** Runs on submit; it usually calls action.run and reports success to the page. */
  onSubmit: () => unknown;
  action: Action;
  submit: string;
  busyLabel?: string;
  submitTestid?: string;
  submitDisabled?: boolean;
  /** Shown instead of the action's error while set (e.g. a failed load the form needs). */
  error?: Error | null;
  errorTestid?: string;
  testid?: string;
  wide?: boolean;
  children: ComponentChildren;
}) {
  const { action } = props;
  return (
    <Modal title={props.title} onClose={props.onClose} testid={props.testid} wide={props.wide}>
      <Form class="form" onSubmit={props.onSubmit}>
        {props.children}
        <ErrorBox error={props.error ?? action.error} testid={props.errorTestid} />
        <DialogFooter
          onCancel={props.onClose}
          label={props.submit}
          busy={action.busy}
          busyLabel={props.busyLabel}
          disabled={props.submitDisabled}
          testid={props.submitTestid}
        />
      </Form>
    </Modal>
  );
}
