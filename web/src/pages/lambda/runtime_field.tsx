// The runtime of a function: the runtimes Portico runs, plus the function's own when it
// is another one.
import { RUNTIMES } from '../../api/lambda';
import { Field } from '../../ui/widgets';

export function RuntimeField(props: { value: string; onChange: (runtime: string) => void }) {
  return (
    <Field label="Runtime">
      <select name="runtime" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {[...new Set([...RUNTIMES, props.value])].map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
    </Field>
  );
}
