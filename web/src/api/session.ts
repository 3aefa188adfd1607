// The console's session: login sets an HttpOnly cookie and hands back the CSRF token
// that every later call carries (see client.ts).
import { call, setCsrfToken } from './client';

export interface Session {
  accessKeyId: string;
  csrfToken: string;
  region: string;
  accountId: string;
  dataPlaneUrl: string;
}

export async function login(accessKeyId: string, secretAccessKey: string): Promise<Session> {
  const s = await call<Session>('POST', '/console/api/login', { accessKeyId, secretAccessKey });
  setCsrfToken(s.csrfToken);
  return s;
}

/** The current session, or null when not logged in (401). */
export async function currentSession(): Promise<Session | null> {
  const res = await fetch('/console/api/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`Session check failed: ${res.status}`);
  const s = (await res.json()) as Session;
  setCsrfToken(s.csrfToken);
  return s;
}

export async function logout(): Promise<void> {
  try {
    await call<void>('POST', '/console/api/logout');
  } finally {
    setCsrfToken('');
  }
}

/** A stage's invoke URL on the data plane, without Host tricks. */
export function invokeUrl(session: Session, apiId: string, stage: string): string {
  const base = session.dataPlaneUrl.replace(/\/+$/, '');
  return `${base}/restapis/${apiId}/${stage}/_user_request_/`;
}
