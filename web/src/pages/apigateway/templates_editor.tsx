// Mapping templates keyed by content type: a list of content types and a VTL editor
// for the selected one. Used by Integration Request and Integration Response, and
// gateway responses.
import { useState } from 'preact/hooks';
import { CodeEditor } from '../../editor/code_editor';
import { AddBox } from '../../ui/add_box';

export function TemplatesEditor(props: {
  templates: Record<string, string>;
  onChange: (t: Record<string, string>) => void;
  onSave?: () => void;
  testid?: string;
  emptyHint?: string;
}) {
  const types = Object.keys(props.templates);
  const [selected, setSelected] = useState<string>(types[0] ?? '');
  const current = types.includes(selected) ? selected : (types[0] ?? '');

  const add = (typed: string) => {
    const ct = typed.trim() || 'application/json';
    if (!(ct in props.templates)) props.onChange({ ...props.templates, [ct]: '' });
    setSelected(ct);
  };

  return (
    <div class="templates" data-testid={props.testid}>
      <div class="templates-types">
        {types.map((ct) => (
          <div key={ct} class={ct === current ? 'ct active' : 'ct'}>
            <button type="button" class="link-button" onClick={() => setSelected(ct)} data-testid={`template-ct-${ct}`}>
              {ct}
            </button>
            <button
              type="button"
              class="link-button"
              aria-label={`Remove template ${ct}`}
              onClick={() => {
                const next = { ...props.templates };
                delete next[ct];
                props.onChange(next);
              }}
            >
              ×
            </button>
          </div>
        ))}
        <div class="ct-add">
          <AddBox onAdd={add} placeholder="application/json" label="Content type to add" button="+ Template" buttonTestid="add-template" />
        </div>
      </div>
      <div class="templates-body">
        {current ? (
          <CodeEditor
            key={current}
            value={props.templates[current] ?? ''}
            onChange={(v) => props.onChange({ ...props.templates, [current]: v })}
            language="vtl"
            label={`Template for ${current}`}
            testid="template-editor"
            minHeight={160}
            onSave={props.onSave}
          />
        ) : (
          <p class="muted small-text">{props.emptyHint ?? 'No templates: bodies pass through unchanged.'}</p>
        )}
      </div>
    </div>
  );
}
