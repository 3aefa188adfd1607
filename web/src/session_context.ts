// The logged-in session (region, account, data plane URL), provided by the shell.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from './api/session';

export const SessionContext = createContext<Session | null>(null);

/** The logged-in session; pages render only inside it. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a session');
  return s;
}
