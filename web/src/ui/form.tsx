// A form that stays on the page: submitting (Enter or a submit button) calls onSubmit
// instead of navigating.
import type { ComponentChildren, KeyboardEventHandler } from 'preact';

export function Form(props: {
  class: string;
  onSubmit: () => unknown;
  testid?: string;
  onKeyDown?: KeyboardEventHandler<HTMLFormElement>;
  children: ComponentChildren;
}) {
  return (
    <form
      class={props.class}
      data-testid={props.testid}
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit();
      }}
      onKeyDown={props.onKeyDown}
    >
      {props.children}
    </form>
  );
}
