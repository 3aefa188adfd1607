// Method Response editor: the status codes the method may answer, each with its
// declared headers and response models. Each saves with PutMethodResponse.
import { methods as methodsApi, type MethodResponse } from '../../../api/apigateway';
import { KeyValueEditor, fromRows, toRows, type KvRow } from '../../../ui/widgets';
import type { MethodEditorProps } from './editor_props';
import { StatusEntries } from './status_entries';
import { useStatusDrafts } from './use_status_drafts';

interface Draft {
  statusCode: string;
  headers: KvRow[]; // name (without method.response.header.) → "true"/"false"
  models: KvRow[];
  isNew: boolean;
}

const HEADER_PREFIX = 'method.response.header.';

function draftFrom(r: MethodResponse, isNew = false): Draft {
  return {
    statusCode: r.statusCode,
    headers: toRows(r.responseParameters).map((row) => ({
      key: row.key.startsWith(HEADER_PREFIX) ? row.key.slice(HEADER_PREFIX.length) : row.key,
      value: row.value,
    })),
    models: toRows(r.responseModels),
    isNew,
  };
}

function bodyFrom(d: Draft): Partial<MethodResponse> {
  const responseParameters: Record<string, boolean> = {};
  for (const r of d.headers) if (r.key.trim()) responseParameters[HEADER_PREFIX + r.key.trim()] = r.value === 'true';
  return { responseParameters, responseModels: fromRows(d.models) };
}

export function MethodResponseEditor(props: MethodEditorProps) {
  const { apiId, resourceId, verb } = props;
  const drafts = useStatusDrafts<Draft>({
    initial: () => Object.values(props.method.methodResponses ?? {}).map((r) => draftFrom(r)),
    body: bodyFrom,
    create: (code) => draftFrom({ statusCode: code }, true),
    put: async (d) => {
      const saved = await methodsApi.putMethodResponse(apiId, resourceId, verb, d.statusCode, bodyFrom(d));
      return draftFrom({ ...saved, statusCode: d.statusCode });
    },
    delete: (code) => methodsApi.removeMethodResponse(apiId, resourceId, verb, code),
    noun: 'method response',
    onSaved: props.onSaved,
  });
  const { update } = drafts;

  return (
    <div class="form editor" data-testid="method-response-editor">
      <h3>Method Response</h3>
      <StatusEntries drafts={drafts} label="Method responses" testid="method-response" empty="No method responses declared.">
        {(current) => (
          <>
            <h4>Response headers</h4>
            <KeyValueEditor
              rows={current.headers}
              onChange={(headers) => update({ headers })}
              keyLabel="Header"
              valueLabel="Required"
              valueKind="bool"
              keyPlaceholder="Access-Control-Allow-Origin"
            />
            <h4>Response models</h4>
            <KeyValueEditor
              rows={current.models}
              onChange={(models) => update({ models })}
              keyLabel="Content type"
              valueLabel="Model"
              keyPlaceholder="application/json"
              valuePlaceholder="Empty"
            />
          </>
        )}
      </StatusEntries>
    </div>
  );
}
