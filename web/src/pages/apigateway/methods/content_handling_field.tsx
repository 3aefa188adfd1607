// The content handling of an integration or an integration response: pass the body
// through, or convert it between text and binary.
import { Field } from '../../../ui/widgets';

export function ContentHandlingField(props: { value: string; onChange: (v: string) => void; name?: string }) {
  return (
    <Field label="Content handling">
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">Passthrough</option>
        <option>CONVERT_TO_TEXT</option>
        <option>CONVERT_TO_BINARY</option>
      </select>
    </Field>
  );
}
