// A loaded list (from useLoad) as a table: the spinner or the load error until it is
// there, then the empty-state text when there is nothing, else one row per item.
import type { ComponentChildren } from 'preact';
import { Table } from './table';
import { Empty, Loading } from './widgets';

export function ResourceTable<T>(props: {
  list: { data: T[] | undefined; error: Error | null };
  columns: readonly string[];
  row: (item: T) => ComponentChildren;
  /** Shown instead of the table when the list is empty; without it an empty list is an empty table. */
  empty?: string;
  /** The items to show, in order (filtered, sorted); "empty" is judged on the whole list. */
  shown?: (items: T[]) => T[];
  testid?: string;
}) {
  return (
    <Loading data={props.list.data} error={props.list.error}>
      {(items) =>
        items.length === 0 && props.empty !== undefined ? (
          <Empty>{props.empty}</Empty>
        ) : (
          <Table columns={props.columns} testid={props.testid}>
            {(props.shown ? props.shown(items) : items).map((item) => props.row(item))}
          </Table>
        )
      }
    </Loading>
  );
}
