// The header above a list: its title, then a filter box (focused by "/") or a spacer, and
// the button that opens the create dialog.
import type { ComponentChildren } from 'preact';

export interface FilterProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
}

export interface CreateProps {
  label: string;
  onClick: () => void;
  testid?: string;
  /** Called on hover and focus, to start loading what the dialog needs. */
  onPreload?: () => void;
}

export function ListHead(props: {
  title: string;
  /** "page": a page's <h1> head; "panel": a section's <h2> head. */
  level: 'page' | 'panel';
  filter?: FilterProps;
  create?: CreateProps;
  /** Notes after the title. */
  children?: ComponentChildren;
}) {
  const { filter, create } = props;
  return (
    <header class={props.level === 'page' ? 'page-head' : 'panel-head'}>
      {props.level === 'page' ? <h1>{props.title}</h1> : <h2>{props.title}</h2>}
      {props.children}
      {filter ? (
        <input
          class="filter"
          data-filter
          placeholder="Filter (press /)"
          aria-label={filter.label}
          value={filter.value}
          onInput={(e) => filter.onChange(e.currentTarget.value)}
        />
      ) : create ? (
        <span class="spacer" />
      ) : null}
      {create ? (
        <button
          type="button"
          class="primary"
          onMouseEnter={create.onPreload}
          onFocus={create.onPreload}
          onClick={create.onClick}
          data-testid={create.testid}
        >
          {create.label}
        </button>
      ) : null}
    </header>
  );
}
