// Integration Response editor: one entry per status code with its selection pattern,
// header mappings and response templates. Each entry saves with
// PutIntegrationResponse; edits to several entries are kept while switching.
import { methods as methodsApi, type IntegrationResponse } from '../../../api/apigateway';
import { TextField } from '../../../ui/text_field';
import { Empty, KeyValueEditor, fromRows, toRows, type KvRow } from '../../../ui/widgets';
import { TemplatesEditor } from '../templates_editor';
import { ContentHandlingField } from './content_handling_field';
import type { MethodEditorProps } from './editor_props';
import { StatusEntries } from './status_entries';
import { useStatusDrafts } from './use_status_drafts';

interface Draft {
  statusCode: string;
  selectionPattern: string;
  contentHandling: string;
  responseParameters: KvRow[];
  responseTemplates: Record<string, string>;
  isNew: boolean;
}

function draftFrom(r: IntegrationResponse, isNew = false): Draft {
  return {
    statusCode: r.statusCode,
    selectionPattern: r.selectionPattern ?? '',
    contentHandling: r.contentHandling ?? '',
    responseParameters: toRows(r.responseParameters),
    responseTemplates: { ...(r.responseTemplates ?? {}) },
    isNew,
  };
}

function bodyFrom(d: Draft): Partial<IntegrationResponse> {
  const body: Partial<IntegrationResponse> = {
    selectionPattern: d.selectionPattern,
    responseParameters: fromRows(d.responseParameters),
    responseTemplates: d.responseTemplates,
  };
  if (d.contentHandling) body.contentHandling = d.contentHandling;
  return body;
}

export function IntegrationResponseEditor(props: MethodEditorProps) {
  const { apiId, resourceId, verb } = props;
  const integration = props.method.methodIntegration;
  const drafts = useStatusDrafts<Draft>({
    initial: () => Object.values(integration?.integrationResponses ?? {}).map((r) => draftFrom(r)),
    body: bodyFrom,
    create: (code) => draftFrom({ statusCode: code, selectionPattern: code.startsWith('2') ? '' : `${code[0]}\\d{2}` }, true),
    put: async (d) => draftFrom(await methodsApi.putIntegrationResponse(apiId, resourceId, verb, d.statusCode, bodyFrom(d))),
    delete: (code) => methodsApi.removeIntegrationResponse(apiId, resourceId, verb, code),
    noun: 'integration response',
    onSaved: props.onSaved,
  });

  if (!integration) return <Empty>Set up the integration request first.</Empty>;
  const proxy = integration.type === 'AWS_PROXY' || integration.type === 'HTTP_PROXY';
  const { update } = drafts;

  return (
    <div class="form editor" data-testid="integration-response-editor">
      <h3>Integration Response</h3>
      {proxy ? <p class="muted small-text">A proxy integration's response goes to the client unchanged; entries here are not used.</p> : null}
      <StatusEntries
        drafts={drafts}
        label="Integration responses"
        testid="integration-response"
        detail={(c) => {
          const pattern = drafts.drafts[c]!.selectionPattern;
          return <span class="muted small-text">{pattern ? `/${pattern}/` : 'default'}</span>;
        }}
        saveHint
        empty="No integration responses. Add a status code to map the backend's answer."
      >
        {(current) => (
          <>
            <h4>Response {current.statusCode}</h4>
            <div class="form-row">
              <TextField
                label="Selection pattern"
                wide
                hint="A regex on the Lambda errorMessage or the backend status code; empty = the default response."
                value={current.selectionPattern}
                onValue={(selectionPattern) => update({ selectionPattern })}
                name="selectionPattern"
                placeholder="(default)"
              />
              <ContentHandlingField value={current.contentHandling} onChange={(contentHandling) => update({ contentHandling })} />
            </div>
            <h4>Header mappings</h4>
            <KeyValueEditor
              rows={current.responseParameters}
              onChange={(responseParameters) => update({ responseParameters })}
              keyLabel="Response header"
              valueLabel="Mapped from"
              keyPlaceholder="method.response.header.X-Id"
              valuePlaceholder="integration.response.header.x-id or 'static'"
            />
            <h4>Mapping templates</h4>
            <TemplatesEditor
              key={drafts.selected}
              templates={current.responseTemplates}
              onChange={(responseTemplates) => update({ responseTemplates })}
              onSave={() => void drafts.save()}
              testid="response-templates"
            />
          </>
        )}
      </StatusEntries>
    </div>
  );
}
