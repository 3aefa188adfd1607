// A method's execution view: the request and response flow drawn as boxes
// (Client → Method Request → Integration Request → Integration → Integration Response
// → Method Response → Client). Each box opens its editor below; Test runs the method.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { methods as methodsApi, type Method, type Resource } from '../../../api/apigateway';
import { navigate } from '../../../router';
import { preloadEditor } from '../../../editor/code_editor';
import { DeleteButton } from '../../../ui/delete_button';
import { useAction, useLoad } from '../../../ui/hooks';
import { ErrorBox, Loading, toast } from '../../../ui/widgets';
import { MethodRequestEditor } from './method_request_editor';
import { IntegrationRequestEditor } from './integration_request_editor';
import { IntegrationResponseEditor } from './integration_response_editor';
import { MethodResponseEditor } from './method_response_editor';
import { TestPanel } from './test_panel';

export type Box = 'method-request' | 'integration-request' | 'integration-response' | 'method-response' | 'test';

function FlowBox(props: {
  id: Box;
  title: string;
  active: Box;
  onOpen: (b: Box) => void;
  children: ComponentChildren;
  class?: string;
}) {
  const active = props.active === props.id;
  return (
    <button
      type="button"
      class={`flow-box ${props.class ?? ''} ${active ? 'active' : ''}`}
      aria-pressed={active}
      onClick={() => props.onOpen(props.id)}
      data-testid={`flow-${props.id}`}
    >
      <span class="flow-title">{props.title}</span>
      <span class="flow-summary">{props.children}</span>
    </button>
  );
}

function Diagram(props: { method: Method; active: Box; onOpen: (b: Box) => void }) {
  const m = props.method;
  const i = m.methodIntegration;
  const irs = Object.keys(i?.integrationResponses ?? {}).sort();
  const mrs = Object.keys(m.methodResponses ?? {}).sort();
  const params = Object.keys(m.requestParameters ?? {}).length;
  const templates = Object.keys(i?.requestTemplates ?? {}).length;
  const proxy = i?.type === 'AWS_PROXY' || i?.type === 'HTTP_PROXY';
  return (
    <div class="flow" data-testid="method-flow" role="group" aria-label="Method execution">
      <div class="flow-client" style={{ gridArea: 'c1' }}>Client</div>
      <div class="flow-arrow" style={{ gridArea: 'a1' }} aria-hidden="true">→</div>
      <FlowBox id="method-request" title="Method Request" active={props.active} onOpen={props.onOpen} class="ga-mreq">
        Auth: {m.authorizationType ?? 'NONE'}
        <br />
        API key: {m.apiKeyRequired ? 'required' : 'not required'}
        {params ? (
          <>
            <br />
            {params} parameter{params > 1 ? 's' : ''}
          </>
        ) : null}
      </FlowBox>
      <div class="flow-arrow" style={{ gridArea: 'a2' }} aria-hidden="true">→</div>
      <FlowBox id="integration-request" title="Integration Request" active={props.active} onOpen={props.onOpen} class="ga-ireq">
        Type: {i?.type ?? 'none'}
        <br />
        {proxy ? 'Proxy' : `${templates} template${templates === 1 ? '' : 's'}`}
      </FlowBox>
      <div class="flow-arrow" style={{ gridArea: 'a3' }} aria-hidden="true">→</div>
      <div class="flow-backend" style={{ gridArea: 'be' }} data-testid="flow-integration">
        <span class="flow-title">Integration</span>
        <span class="flow-summary">
          <strong>{i?.type ?? 'none'}</strong>
          {i?.uri ? <span class="uri">{i.httpMethod ? `${i.httpMethod} ` : ''}{i.uri}</span> : null}
        </span>
      </div>
      <div class="flow-client" style={{ gridArea: 'c2' }}>Client</div>
      <div class="flow-arrow" style={{ gridArea: 'b1' }} aria-hidden="true">←</div>
      <FlowBox id="method-response" title="Method Response" active={props.active} onOpen={props.onOpen} class="ga-mres">
        {mrs.length ? mrs.join(', ') : 'none'}
      </FlowBox>
      <div class="flow-arrow" style={{ gridArea: 'b2' }} aria-hidden="true">←</div>
      <FlowBox id="integration-response" title="Integration Response" active={props.active} onOpen={props.onOpen} class="ga-ires">
        {proxy ? 'Proxy: passed through' : irs.length ? irs.join(', ') : 'none'}
      </FlowBox>
      <div class="flow-arrow" style={{ gridArea: 'b3' }} aria-hidden="true">←</div>
    </div>
  );
}

export function MethodView(props: { apiId: string; resource: Resource; verb: string; onTreeChanged: () => void }) {
  const { apiId, resource, verb } = props;
  const method = useLoad(() => methodsApi.get(apiId, resource.id, verb), [apiId, resource.id, verb]);
  const [active, setActive] = useState<Box>('test');
  const del = useAction();
  preloadEditor();

  const saved = (what: string) => {
    toast(`Saved ${what}`);
    void method.reload();
  };

  // Editors stay mounted once opened (hidden when another box is active), so
  // switching boxes never drops what was typed.
  const [visited, setVisited] = useState<Set<Box>>(() => new Set<Box>(['test']));
  const open = (b: Box) => {
    setActive(b);
    setVisited((v) => (v.has(b) ? v : new Set(v).add(b)));
  };

  const editor = (b: Box, m: Method) => {
    const common = { apiId, resourceId: resource.id, verb, method: m };
    switch (b) {
      case 'method-request':
        return <MethodRequestEditor {...common} onSaved={() => saved('method request')} />;
      case 'integration-request':
        return <IntegrationRequestEditor {...common} onSaved={() => saved('integration request')} />;
      case 'integration-response':
        return <IntegrationResponseEditor {...common} onSaved={() => saved('integration response')} />;
      case 'method-response':
        return <MethodResponseEditor {...common} onSaved={() => saved('method response')} />;
      case 'test':
        return <TestPanel apiId={apiId} resource={resource} verb={verb} />;
    }
  };
  const order: Box[] = ['method-request', 'integration-request', 'integration-response', 'method-response', 'test'];

  return (
    <div class="panel method-view" data-testid="method-view">
      <header class="panel-head">
        <h2>
          <span class={`verb verb-${verb}`}>{verb}</span> <code>{resource.path}</code>
        </h2>
        <span class="spacer" />
        <button
          type="button"
          class={active === 'test' ? 'primary' : ''}
          onClick={() => open('test')}
          data-testid="open-test"
          title="Test this method (no deploy needed)"
        >
          Test
        </button>
        <DeleteButton
          action={del}
          class="danger"
          busyDisables
          label="Delete method"
          confirm={`Delete ${verb} ${resource.path}?`}
          run={() => methodsApi.remove(apiId, resource.id, verb)}
          toast={`Deleted ${verb} ${resource.path}`}
          onDone={() => {
            props.onTreeChanged();
            navigate(`/apis/${apiId}/resources/${resource.id}`, { replace: true });
          }}
          testid="delete-method"
        />
      </header>
      <ErrorBox error={del.error} onDismiss={del.clear} />
      <Loading data={method.data} error={method.error}>
        {(m) => (
          <>
            <Diagram method={m} active={active} onOpen={open} />
            {order
              .filter((b) => visited.has(b))
              .map((b) => (
                <div key={b} class="editor-area" hidden={b !== active} data-testid={`editor-${b}`}>
                  {editor(b, m)}
                </div>
              ))}
          </>
        )}
      </Loading>
    </div>
  );
}
