// Test a method without deploying (TestInvokeMethod): path with query, headers,
// stage variables and a body in; status, latency, headers, body and the execution
// log out. Ctrl+Enter runs it from anywhere in the panel.
import { useState } from 'preact/hooks';
import { methods as methodsApi, type Resource, type TestInvokeResult } from '../../../api/apigateway';
import { CodeEditor } from '../../../editor/code_editor';
import { Form } from '../../../ui/form';
import { prettyBody } from '../../../ui/format';
import { useAction } from '../../../ui/hooks';
import { TextField } from '../../../ui/text_field';
import { ErrorBox, Field } from '../../../ui/widgets';

/** "k: v" (or "k=v" when `sep` is "=") lines → a map; blank lines and "#" comments skipped. */
export function parseLines(text: string, sep: ':' | '='): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const i = t.indexOf(sep);
    if (i <= 0) throw new Error(`Cannot read "${t}": write it as name${sep === ':' ? ': ' : '='}value`);
    out[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return out;
}

function statusClass(s: number): string {
  return s < 300 ? 'ok' : s < 500 ? 'warn' : 'bad';
}

export function TestPanel(props: { apiId: string; resource: Resource; verb: string }) {
  const [path, setPath] = useState(props.resource.path);
  const [headers, setHeaders] = useState('');
  const [stageVars, setStageVars] = useState('');
  const [body, setBody] = useState('');
  const [result, setResult] = useState<TestInvokeResult | null>(null);
  const action = useAction();
  const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(props.verb);

  const run = async () => {
    await action.run(async () => {
      const h = parseLines(headers, ':');
      const v = parseLines(stageVars, '=');
      const p = path.trim() || '/';
      const r = await methodsApi.testInvoke(props.apiId, props.resource.id, props.verb, {
        pathWithQueryString: p.startsWith('/') ? p : `/${p}`,
        body,
        headers: h,
        stageVariables: v,
      });
      setResult(r);
    });
  };

  const resultHeaders = Object.entries(result?.multiValueHeaders ?? {}).length
    ? Object.entries(result!.multiValueHeaders!).map(([k, v]) => [k, v.join(', ')] as const)
    : Object.entries(result?.headers ?? {});

  return (
    <div class="test-panel" data-testid="test-panel">
      <Form
        class="form editor"
        onSubmit={run}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            void run();
          }
        }}
      >
        <h3>
          Test {props.verb} {props.resource.path}
        </h3>
        <TextField
          label="Path and query string"
          hint="Fill in path variables, e.g. /pets/42?type=dog."
          value={path}
          onValue={setPath}
          name="pathWithQueryString"
          testid="test-path"
        />
        <div class="form-row">
          <Field label="Headers" hint="One per line: Name: value" wide>
            <textarea
              name="headers"
              rows={3}
              value={headers}
              onInput={(e) => setHeaders(e.currentTarget.value)}
              placeholder={'Accept: application/json\nx-api-key: …'}
              spellcheck={false}
              data-testid="test-headers"
            />
          </Field>
          <Field label="Stage variables" hint="One per line: name=value" wide>
            <textarea
              name="stageVariables"
              rows={3}
              value={stageVars}
              onInput={(e) => setStageVars(e.currentTarget.value)}
              spellcheck={false}
            />
          </Field>
        </div>
        {hasBody ? (
          <Field label="Request body" wide block>
            <CodeEditor value={body} onChange={setBody} language="json" label="Request body" testid="test-body-editor" minHeight={80} onRun={() => void run()} />
          </Field>
        ) : null}
        <ErrorBox error={action.error} testid="test-error" />
        <div class="actions">
          <span class="muted small-text">Ctrl+Enter runs the test</span>
          <button type="submit" class="primary" disabled={action.busy} data-testid="run-test">
            {action.busy ? 'Testing…' : 'Test'}
          </button>
        </div>
      </Form>
      {result ? (
        <div class="test-result" data-testid="test-result">
          <div class="result-line">
            <span class={`status-pill ${statusClass(result.status)}`} data-testid="test-status">
              {result.status}
            </span>
            <span class="muted">{result.latency !== undefined ? `${result.latency} ms` : ''}</span>
          </div>
          <h4>Response body</h4>
          <pre class="code-block" data-testid="test-body">
            {prettyBody(result.body ?? '')}
          </pre>
          <h4>Response headers</h4>
          <table class="table compact" data-testid="test-headers-out">
            <tbody>
              {resultHeaders.map(([k, v]) => (
                <tr key={k}>
                  <td>
                    <code>{k}</code>
                  </td>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Execution log</h4>
          <pre class="code-block log" data-testid="test-log">
            {result.log ?? ''}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
