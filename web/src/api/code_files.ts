// Function code helpers that need no zip library: which file a handler names, the
// starter code per runtime, and on-demand loading of the zip module.
import type { CodeFiles } from './code_zip';

export type { CodeFiles };

/** The zip module, loaded on first use. */
export function lazyZip() {
  return import('./code_zip');
}

/** The file a handler names: "index.handler" → index.mjs/index.js, "app.main" → app.py, provided → bootstrap. */
export function handlerFile(runtime: string, handler: string, code = ''): string {
  const module = handler.includes('.') ? handler.slice(0, handler.lastIndexOf('.')) : handler;
  if (runtime.startsWith('python')) return `${module || 'lambda_function'}.py`;
  if (runtime.startsWith('nodejs')) {
    const esm = /^\s*export\s/m.test(code) || /^\s*import\s.+from\s/m.test(code);
    return `${module || 'index'}.${esm ? 'mjs' : 'js'}`;
  }
  return 'bootstrap';
}

export const STARTER_CODE: Record<string, { handler: string; code: string }> = {
  'nodejs20.x': {
    handler: 'index.handler',
    code: `export const handler = async (event) => {
  return { hello: event.name ?? "world" };
};
`,
  },
  'python3.12': {
    handler: 'lambda_function.lambda_handler',
    code: `def lambda_handler(event, context):
    return {"hello": event.get("name", "world")}
`,
  },
  'provided.al2023': {
    handler: 'bootstrap',
    code: `#!/bin/sh
# A custom runtime: poll the Runtime API for events and post each result back.
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -LD "$HEADERS" "$API/next")"
  ID="$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)"
  curl -sS -X POST "$API/$ID/response" -d "{\\"echo\\": $EVENT}" > /dev/null
done
`,
  },
};
