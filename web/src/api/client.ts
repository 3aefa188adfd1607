// The one place that talks HTTP to Portico's management listener. Every call is
// same-origin with the session cookie and the CSRF header; errors become ApiError
// with the server's message so a page can show it where the user acted.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken = '';
let onUnauthorized: (() => void) | null = null;

/** Set after login or a session check; sent as X-Portico-Csrf on every call. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when an API call answers 401 (the session expired); the app shows a login dialog. */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** The body is sent verbatim instead of JSON-encoded. */
  rawBody?: string;
  signal?: AbortSignal;
}

function errorFrom(status: number, headers: Headers, text: string): ApiError {
  const type = (headers.get('x-amzn-ErrorType') ?? '').split(':')[0] ?? '';
  let message = '';
  const xml = /<Message>([\s\S]*?)<\/Message>/.exec(text);  // the query protocol's errors (CloudWatch)
  if (xml) return new ApiError(xml[1] ?? '', status, /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? type);
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const m = body.message ?? body.Message ?? body.errorMessage;
    if (typeof m === 'string') message = m;
  } catch {
    message = text.slice(0, 300);
  }
  if (!message) message = `${status} ${type || 'error'}`;
  return new ApiError(message, status, type);
}

/** Sends one request and returns the raw reply; throws ApiError on a non-2xx status. */
export async function callRaw(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (csrfToken) headers['X-Portico-Csrf'] = csrfToken;
  let payload: string | undefined;
  if (opts.rawBody !== undefined) {
    payload = opts.rawBody;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
  }
  if (payload !== undefined && !('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('Cannot reach Portico: ' + (e instanceof Error ? e.message : String(e)), 0, 'NetworkError');
  }
  const text = await res.text();
  if (!res.ok) {
    const err = errorFrom(res.status, res.headers, text);
    if (res.status === 401 && onUnauthorized && !path.startsWith('/console/api/login')) onUnauthorized();
    throw err;
  }
  return { status: res.status, headers: res.headers, text };
}

/** Sends one request and parses the JSON reply ({} for an empty body). */
export async function call<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T> {
  const res = await callRaw(method, path, body, opts);
  if (!res.text) return {} as T;
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new ApiError('The server sent a reply that is not JSON', res.status, 'SerializationException');
  }
}

/** Percent-encodes one path segment (ids, names, status codes, content types). */
export function seg(s: string): string {
  return encodeURIComponent(s);
}
