// Lambda management and Invoke calls (https://docs.aws.amazon.com/lambda/latest/api/),
// on the paths the AWS CLI uses.
import { call, callRaw, seg } from './client';

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn?: string;
  Runtime?: string;
  Role?: string;
  Handler?: string;
  CodeSize?: number;
  CodeSha256?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  LastModified?: string;
  Version?: string;
  Environment?: { Variables?: Record<string, string> };
  State?: string;
  StateReason?: string;
  LastUpdateStatus?: string;
  RevisionId?: string;
}

export interface FunctionDetail {
  Configuration: FunctionConfiguration;
  Code?: { Location?: string; RepositoryType?: string };
}

export interface Alias {
  Name: string;
  AliasArn?: string;
  FunctionVersion: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}

export interface CreateFunctionInput {
  FunctionName: string;
  Runtime: string;
  Role: string;
  Handler: string;
  Code: { ZipFile: string };
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables: Record<string, string> };
}

export interface InvokeResult {
  status: number;
  payload: string;
  functionError: string | null;
  logTail: string;
  executedVersion: string | null;
  durationMs: number;
}

const fn = (name: string) => `/2015-03-31/functions/${seg(name)}`;

function decodeBase64Utf8(b64: string): string {
  try {
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return '';
  }
}

export const functions = {
  list: async () => {
    const out: FunctionConfiguration[] = [];
    let marker = '';
    for (let page = 0; page < 20; page++) {
      const q = marker ? `?Marker=${encodeURIComponent(marker)}` : '';
      const r = await call<{ Functions?: FunctionConfiguration[]; NextMarker?: string }>(
        'GET',
        `/2015-03-31/functions${q}`,
      );
      out.push(...(r.Functions ?? []));
      if (!r.NextMarker || r.NextMarker === marker) break;
      marker = r.NextMarker;
    }
    return out;
  },
  get: (name: string) => call<FunctionDetail>('GET', fn(name)),
  getConfiguration: (name: string) => call<FunctionConfiguration>('GET', `${fn(name)}/configuration`),
  create: (input: CreateFunctionInput) => call<FunctionConfiguration>('POST', '/2015-03-31/functions', input),
  remove: (name: string) => call<void>('DELETE', fn(name)),
  updateCode: (name: string, zipBase64: string) =>
    call<FunctionConfiguration>('PUT', `${fn(name)}/code`, { ZipFile: zipBase64 }),
  updateConfiguration: (name: string, body: Partial<FunctionConfiguration>) =>
    call<FunctionConfiguration>('PUT', `${fn(name)}/configuration`, body),
  versions: async (name: string) =>
    (await call<{ Versions?: FunctionConfiguration[] }>('GET', `${fn(name)}/versions`)).Versions ?? [],
  publish: (name: string, description: string) =>
    call<FunctionConfiguration>('POST', `${fn(name)}/versions`, { Description: description }),
  aliases: async (name: string) => (await call<{ Aliases?: Alias[] }>('GET', `${fn(name)}/aliases`)).Aliases ?? [],
  createAlias: (name: string, alias: { Name: string; FunctionVersion: string; Description?: string }) =>
    call<Alias>('POST', `${fn(name)}/aliases`, alias),
  updateAlias: (name: string, alias: string, body: { FunctionVersion: string; Description?: string }) =>
    call<Alias>('PUT', `${fn(name)}/aliases/${seg(alias)}`, body),
  removeAlias: (name: string, alias: string) => call<void>('DELETE', `${fn(name)}/aliases/${seg(alias)}`),

  /** Fetches the function's code zip through its pre-signed Location, on this origin. */
  downloadCode: async (location: string): Promise<Uint8Array> => {
    const u = new URL(location, window.location.href);
    const res = await fetch(u.pathname + u.search, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`Could not download the code (${res.status})`);
    return new Uint8Array(await res.arrayBuffer());
  },

  /** Invokes synchronously with the log tail; a function error is a result, not a throw. */
  invoke: async (name: string, payload: string, qualifier = ''): Promise<InvokeResult> => {
    const q = qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : '';
    const started = performance.now();
    const r = await callRaw('POST', `${fn(name)}/invocations${q}`, undefined, {
      rawBody: payload,
      headers: { 'X-Amz-Log-Type': 'Tail', 'X-Amz-Invocation-Type': 'RequestResponse' },
    });
    const tail = r.headers.get('X-Amz-Log-Result');
    return {
      status: r.status,
      payload: r.text,
      functionError: r.headers.get('X-Amz-Function-Error'),
      logTail: tail ? decodeBase64Utf8(tail) : '',
      executedVersion: r.headers.get('X-Amz-Executed-Version'),
      durationMs: Math.round(performance.now() - started),
    };
  },
};

export const RUNTIMES = ['nodejs20.x', 'python3.12', 'provided.al2023'] as const;
export const DEFAULT_ROLE = 'arn:aws:iam::000000000000:role/console';
