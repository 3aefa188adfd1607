// The per-status-code editors' layout: the code list on the left, the selected entry's
// form on the right with Delete (Discard for a new one) and Save, or a note when the
// method has no entries yet.
import type { ComponentChildren } from 'preact';
import { Form } from '../../../ui/form';
import { StatusCodeList } from '../../../ui/status_code_list';
import { Empty, ErrorBox } from '../../../ui/widgets';
import type { StatusDraft, StatusDrafts } from './use_status_drafts';

export function StatusEntries<D extends StatusDraft>(props: {
  drafts: StatusDrafts<D>;
  /** The code list's accessible name. */
  label: string;
  /** Test ids: `${testid}-${code}`, `${testid}-error` and `save-${testid}`. */
  testid: string;
  detail?: (code: string) => ComponentChildren;
  /** Show "Unsaved changes · Ctrl+S saves" beside Save. */
  saveHint?: boolean;
  empty: string;
  /** The selected entry's fields. */
  children: (current: D) => ComponentChildren;
}) {
  const { drafts, testid } = props;
  const { current, action } = drafts;
  const dirty = drafts.dirtyCodes.includes(drafts.selected);
  return (
    <div class="subsplit">
      <StatusCodeList
        label={props.label}
        codes={drafts.codes}
        selected={drafts.selected}
        dirty={drafts.dirtyCodes}
        onSelect={drafts.select}
        onAdd={drafts.add}
        testid={testid}
        detail={props.detail}
      />
      {current ? (
        <Form class="form grow" onSubmit={drafts.save}>
          {props.children(current)}
          <ErrorBox error={action.error} testid={`${testid}-error`} />
          <div class="actions">
            <button type="button" class="danger" onClick={drafts.remove} disabled={action.busy}>
              {current.isNew ? 'Discard' : 'Delete'}
            </button>
            <span class="spacer" />
            {props.saveHint ? <span class="muted small-text">{dirty ? 'Unsaved changes · Ctrl+S saves' : 'No changes'}</span> : null}
            <button type="submit" class="primary" disabled={action.busy || !dirty} data-testid={`save-${testid}`}>
              Save {current.statusCode}
            </button>
          </div>
        </Form>
      ) : (
        <div class="grow">
          <ErrorBox error={action.error} />
          <Empty>{props.empty}</Empty>
        </div>
      )}
    </div>
  );
}
