// A labelled one-line input bound to a string: Field around an <input> whose every
// keystroke goes to onValue.
import type { ComponentChildren } from 'preact';
import { Field } from './widgets';

export function TextField(props: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: ComponentChildren;
  wide?: boolean;
  name?: string;
  type?: 'number';
  min?: number;
  max?: number;
  pattern?: string;
  placeholder?: string;
  required?: boolean;
  autofocus?: boolean;
  class?: string;
  testid?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} wide={props.wide}>
      <input
        class={props.class}
        name={props.name}
        // Without a type the input has no type attribute (a text box); the cast only picks
        // one branch of preact's per-type attribute union.
        type={props.type as 'number'}
        min={props.min}
        max={props.max}
        pattern={props.pattern}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        required={props.required}
        autofocus={props.autofocus}
        data-testid={props.testid}
      />
    </Field>
  );
}
