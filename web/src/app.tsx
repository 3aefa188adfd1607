// The console shell: session check, login, the top bar and side navigation, and the
// route table. A call that answers 401 opens a login dialog over the page instead of
// navigating away, so nothing typed is lost.
import { useEffect, useState } from 'preact/hooks';
import { setUnauthorizedHandler } from './api/client';
import { currentSession, logout, type Session } from './api/session';
import { match, navigate, usePath } from './router';
import { SessionContext } from './session_context';
import { ConfirmHost, Link, Modal, Spinner, Toasts } from './ui/widgets';
import { LoginForm } from './pages/login';
import { ApisPage } from './pages/apigateway/apis';
import { ApiPage } from './pages/apigateway/api_page';
import { ApiKeysPage } from './pages/apigateway/api_keys';
import { UsagePlansPage } from './pages/apigateway/usage_plans';
import { DomainsPage } from './pages/apigateway/domains';
import { DomainPage } from './pages/apigateway/domain_page';
import { ClientCertificatesPage } from './pages/apigateway/client_certificates';
import { CertificatesPage } from './pages/acm/certificates';
import { FunctionsPage } from './pages/lambda/functions';
import { FunctionPage } from './pages/lambda/function_page';


function Routes(props: { path: string }) {
  const { path } = props;
  let m: Record<string, string> | null;
  if (path === '/' || path === '/apis') return <ApisPage />;
  if ((m = match('/apis/:apiId/*', path))) return <ApiPage apiId={m.apiId!} path={path} />;
  if (path === '/functions') return <FunctionsPage />;
  if ((m = match('/functions/:name', path))) return <FunctionPage name={m.name!} tab="code" />;
  if ((m = match('/functions/:name/:tab', path))) return <FunctionPage name={m.name!} tab={m.tab!} />;
  if (path === '/apikeys') return <ApiKeysPage />;
  if (path === '/usageplans') return <UsagePlansPage />;
  if (path === '/domains') return <DomainsPage />;
  if ((m = match('/domains/:name', path))) return <DomainPage name={m.name!} />;
  if (path === '/clientcertificates') return <ClientCertificatesPage />;
  if (path === '/certificates') return <CertificatesPage />;
  return (
    <section class="page">
      <h1>Not found</h1>
      <p>
        No console page at <code>{path}</code>. <Link to="/apis">Go to APIs</Link>.
      </p>
    </section>
  );
}

function SideNav(props: { path: string }) {
  const item = (to: string, label: string, testid: string) => (
    <Link to={to} class={props.path === to || props.path.startsWith(to + '/') ? 'nav-item active' : 'nav-item'} testid={testid}>
      {label}
    </Link>
  );
  return (
    <nav class="side-nav" aria-label="Console">
      <div class="nav-group">API Gateway</div>
      {item('/apis', 'APIs', 'nav-apis')}
      {item('/apikeys', 'API keys', 'nav-apikeys')}
      {item('/usageplans', 'Usage plans', 'nav-usageplans')}
      {item('/domains', 'Custom domain names', 'nav-domains')}
      {item('/clientcertificates', 'Client certificates', 'nav-clientcertificates')}
      <div class="nav-group">Certificate Manager</div>
      {item('/certificates', 'Certificates', 'nav-certificates')}
      <div class="nav-group">Lambda</div>
      {item('/functions', 'Functions', 'nav-functions')}
    </nav>
  );
}

const SHORTCUTS: [string, string][] = [
  ['g a / g f / g k', 'Go to APIs, Functions, API keys'],
  ['/', 'Focus the filter box'],
  ['Enter', 'Submit the form you are in'],
  ['Esc', 'Close a dialog'],
  ['Ctrl+S', 'Save the template or code in the editor'],
  ['Ctrl+Enter', 'Run the method test or the function test event'],
  ['?', 'This help'],
];

function ShortcutsDialog(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={props.onClose}>
      <table class="table compact">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [bootError, setBootError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [help, setHelp] = useState(false);

  useEffect(() => {
    currentSession().then(setSession, (e: unknown) => {
      setBootError(e instanceof Error ? e.message : String(e));
      setSession(null);
    });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(session ? () => setExpired(true) : null);
  }, [session]);

  // Keyboard: "g a" APIs, "g f" functions, "/" focuses a page's filter box.
  useEffect(() => {
    let pendingG = false;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [contenteditable="true"]') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') {
        setHelp(true);
      } else if (e.key === '/') {
        const f = document.querySelector<HTMLInputElement>('[data-filter]');
        if (f) {
          e.preventDefault();
          f.focus();
        }
      } else if (pendingG && (e.key === 'a' || e.key === 'f' || e.key === 'k')) {
        navigate({ a: '/apis', f: '/functions', k: '/apikeys' }[e.key]);
      }
      pendingG = e.key === 'g';
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (session === undefined) {
    return (
      <div class="boot">
        <Spinner />
      </div>
    );
  }
  if (!session) {
    return (
      <div class="login-page">
        <div class="login-card">
          <h1 class="brand">Portico</h1>
          <p class="muted">API Gateway and Lambda console</p>
          {bootError ? (
            <p class="error-box" role="alert">
              {bootError}
            </p>
          ) : null}
          <LoginForm
            onLogin={(s) => {
              setSession(s);
              if (path === '/login') navigate('/apis', { replace: true });
            }}
          />
        </div>
      </div>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <div class="shell">
        <header class="top-bar">
          <Link to="/apis" class="brand">
            Portico
          </Link>
          <span class="muted top-info">
            {session.region} · account {session.accountId}
          </span>
          <span class="spacer" />
          <button type="button" class="small" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
            ?
          </button>
          <span class="muted" data-testid="whoami">
            {session.accessKeyId}
          </span>
          <button
            type="button"
            class="small"
            data-testid="logout"
            onClick={async () => {
              try {
                await logout();
              } catch {
                // The cookie may already be gone; the login form is the right place either way.
              }
              setSession(null);
              navigate('/apis', { replace: true, force: true });
            }}
          >
            Log out
          </button>
        </header>
        <div class="body">
          <SideNav path={path} />
          <main class="main">
            <Routes path={path} />
          </main>
        </div>
      </div>
      {expired ? (
        <Modal title="Session expired" onClose={() => setExpired(false)} testid="relogin-dialog">
          <p class="muted">Log in again to continue; your unsaved edits stay on the page.</p>
          <LoginForm
            onLogin={(s) => {
              setSession(s);
              setExpired(false);
            }}
          />
        </Modal>
      ) : null}
      {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
      <Toasts />
      <ConfirmHost />
    </SessionContext.Provider>
  );
}
