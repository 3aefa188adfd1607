// A list's frame: a page (<section>) or a panel (<div>) with its ListHead and the error of
// the last row action (a delete), which the user can dismiss. The list goes in children.
import type { ComponentChildren } from 'preact';
import type { Action } from './hooks';
import { ListHead, type CreateProps, type FilterProps } from './list_head';
import { ErrorBox } from './widgets';

export function ListPanel(props: {
  title: string;
  level: 'page' | 'panel';
  testid: string;
  filter?: FilterProps;
  create?: CreateProps;
  /** Row actions whose error shows under the head. */
  action?: Action;
  /** Notes after the title in the head. */
  note?: ComponentChildren;
  children: ComponentChildren;
}) {
  const { action } = props;
  const body = (
    <>
      <ListHead title={props.title} level={props.level} filter={props.filter} create={props.create}>
        {props.note}
      </ListHead>
      {action ? <ErrorBox error={action.error} onDismiss={action.clear} /> : null}
      {props.children}
    </>
  );
  return props.level === 'page' ? (
    <section class="page" data-testid={props.testid}>
      {body}
    </section>
  ) : (
    <div class="panel" data-testid={props.testid}>
      {body}
    </div>
  );
}
