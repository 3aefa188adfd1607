// A small input with an add button beside it: Enter or the button hands the text to
// onAdd, and the box empties unless onAdd returns false (the text was not accepted).
import { useState } from 'preact/hooks';

export function AddBox(props: {
  onAdd: (text: string) => boolean | void;
  placeholder: string;
  /** The input's accessible name. */
  label: string;
  button: string;
  buttonTestid?: string;
}) {
  const [text, setText] = useState('');
  const add = () => {
    if (props.onAdd(text) !== false) setText('');
  };
  return (
    <>
      <input
        value={text}
        placeholder={props.placeholder}
        aria-label={props.label}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
      />
      <button type="button" class="small" onClick={add} data-testid={props.buttonTestid}>
        {props.button}
      </button>
    </>
  );
}
