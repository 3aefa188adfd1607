// Login form: an access key id and secret, checked by Portico (POST /console/api/login).
import { useState } from 'preact/hooks';
import { login, type Session } from '../api/session';
import { useAction, useAutofocus } from '../ui/hooks';
import { ErrorBox, Field } from '../ui/widgets';

export function LoginForm(props: { onLogin: (s: Session) => void }) {
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const action = useAction();
  const first = useAutofocus<HTMLInputElement>();
  return (
    <form
      class="form"
      data-testid="login-form"
      onSubmit={async (e) => {
        e.preventDefault();
        let s: Session | null = null;
        const ok = await action.run(async () => {
          s = await login(keyId.trim(), secret);
        });
        if (ok && s) props.onLogin(s);
      }}
    >
      <Field label="Access key ID">
        <input
          ref={first}
          name="accessKeyId"
          autocomplete="username"
          value={keyId}
          onInput={(e) => setKeyId(e.currentTarget.value)}
          required
        />
      </Field>
      <Field label="Secret access key">
        <input
          type="password"
          name="secretAccessKey"
          autocomplete="current-password"
          value={secret}
          onInput={(e) => setSecret(e.currentTarget.value)}
          required
        />
      </Field>
      <ErrorBox error={action.error} testid="login-error" />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy} data-testid="login-submit">
          {action.busy ? 'Logging in…' : 'Log in'}
        </button>
      </div>
    </form>
  );
}
