// A data table: one header cell per column ("" for an unlabelled one, such as the row
// actions) and the rows given as children.
import type { ComponentChildren } from 'preact';

export function Table(props: { columns: readonly string[]; testid?: string; children: ComponentChildren }) {
  return (
    <table class="table" data-testid={props.testid}>
      <thead>
        <tr>
          {props.columns.map((c, i) => (
            <th key={i}>{c || null}</th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
