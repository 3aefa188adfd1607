// The head of a page about one item: a crumb back to its list, the item's name, what
// goes under the name, and the page's actions on the right.
import type { ComponentChildren } from 'preact';
import { Link } from './widgets';

export function DetailHead(props: {
  back: { to: string; label: string };
  title: ComponentChildren;
  titleTestid: string;
  /** Under the title (ids, a summary). */
  children?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <header class="page-head">
      <div>
        <p class="crumbs">
          <Link to={props.back.to}>{props.back.label}</Link> /
        </p>
        <h1 data-testid={props.titleTestid}>{props.title}</h1>
        {props.children}
      </div>
      {props.actions}
    </header>
  );
}
