// A one-line create form above a list: its fields and the submit button, disabled while
// the create runs.
import type { ComponentChildren } from 'preact';
import { Form } from './form';

export function InlineForm(props: {
  onSubmit: () => unknown;
  busy: boolean;
  submit: string;
  submitTestid?: string;
  children: ComponentChildren;
}) {
  return (
    <Form class="form-row inline-create" onSubmit={props.onSubmit}>
      {props.children}
      <button type="submit" class="primary" disabled={props.busy} data-testid={props.submitTestid}>
        {props.submit}
      </button>
    </Form>
  );
}
