// A function's test event: a JSON payload (kept in localStorage per function), Invoke
// with the log tail, and the result: payload, function error and log.
import { useEffect, useState } from 'preact/hooks';
import { functions as functionsApi, type InvokeResult } from '../../api/lambda';
import { CodeEditor } from '../../editor/code_editor';
import { prettyBody } from '../../ui/format';
import { useAction } from '../../ui/hooks';
import { TextField } from '../../ui/text_field';
import { ErrorBox } from '../../ui/widgets';

const storageKey = (name: string) => `portico.testEvent.${name}`;

function storedEvent(name: string): string {
  try {
    return window.localStorage.getItem(storageKey(name)) ?? '{\n  "name": "Portico"\n}';
  } catch {
    return '{}';
  }
}

export function FunctionTest(props: { name: string }) {
  const [event, setEvent] = useState(() => storedEvent(props.name));
  const [qualifier, setQualifier] = useState('');
  const [result, setResult] = useState<InvokeResult | null>(null);
  const action = useAction();

  useEffect(() => {
    try {
      window.localStorage.setItem(storageKey(props.name), event);
    } catch {
      // Storage may be unavailable (private mode); the event just is not kept.
    }
  }, [event, props.name]);

  const run = async () => {
    await action.run(async () => {
      try {
        JSON.parse(event);
      } catch (e) {
        throw new Error(`The test event is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      setResult(await functionsApi.invoke(props.name, event, qualifier.trim()));
    });
  };

  return (
    <div class="panel function-test" data-testid="function-test">
      <header class="panel-head">
        <h2>Test event</h2>
        <span class="spacer" />
        <TextField label="Qualifier" value={qualifier} onValue={setQualifier} class="narrow" placeholder="$LATEST" />
        <button type="button" class="primary" onClick={run} disabled={action.busy} data-testid="invoke-function">
          {action.busy ? 'Running…' : 'Test'}
        </button>
      </header>
      <CodeEditor
        value={event}
        onChange={setEvent}
        language="json"
        label="Test event JSON"
        testid="test-event-editor"
        minHeight={120}
        onRun={() => void run()}
      />
      <p class="muted small-text">Ctrl+Enter runs the test.</p>
      <ErrorBox error={action.error} testid="invoke-error" />
      {result ? (
        <div class="test-result" data-testid="invoke-result">
          <div class="result-line">
            <span class={`status-pill ${result.functionError ? 'bad' : 'ok'}`} data-testid="invoke-status">
              {result.functionError ? `Error (${result.functionError})` : 'Succeeded'}
            </span>
            <span class="muted">
              {result.durationMs} ms round trip{result.executedVersion ? ` · version ${result.executedVersion}` : ''}
            </span>
          </div>
          <h4>Result</h4>
          <pre class="code-block" data-testid="invoke-payload">
            {prettyBody(result.payload)}
          </pre>
          <h4>Log tail</h4>
          <pre class="code-block log" data-testid="invoke-log">
            {result.logTail || '(no log output)'}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
