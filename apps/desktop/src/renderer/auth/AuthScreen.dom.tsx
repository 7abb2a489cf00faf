// Log in and register, with Discord's per-field error messages from the API's 50035 body
// (`errors.login._errors[0].message`) shown next to each label.
import { useState, type ReactNode, type SubmitEvent } from 'react';
import { RestError } from '@concord/client';
import { startSession } from '../session/ConcordSession.ts';
import { anonymousApi } from '../session/anonymousApi.ts';
import { needsServerUrl, serverOrigin, setServerOrigin } from '../session/serverUrl.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { LogoIcon } from '../ui/Icons.dom.tsx';
import { flattenFieldErrors } from '../ui/fieldErrors.ts';

type Mode = 'login' | 'register';

export interface AuthScreenProps {
  initialMode?: Mode;
  /** Shown above the form's heading (the server an invite is for). */
  banner?: ReactNode;
  /** After the session has started (e.g. to accept the invite that led here). */
  onSignedIn?: () => void;
}

export function AuthScreen({ initialMode = 'login', banner, onSignedIn }: AuthScreenProps = {}) {
  const [mode, setMode] = useState<Mode>(initialMode);
  const [login, setLogin] = useState('');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [server, setServer] = useState(serverOrigin());
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const reason = useSessionStore((s) => (s.session.status === 'signedOut' ? s.session.reason : null));

  const submit = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      if (needsServerUrl()) setServerOrigin(server);
      const api = anonymousApi();
      const res =
        mode === 'login'
          ? await api.login({ login, password })
          : await api.register(email ? { username, password, email } : { username, password });
      await startSession(res.token);
      onSignedIn?.();
    } catch (err) {
      if (err instanceof RestError && err.status === 429) {
        // Failed logins are throttled per account and per address for minutes (the server's LoginThrottle).
        setFormError('Too many attempts. Please wait a few minutes and try again.');
      } else if (err instanceof RestError) {
        const fields = flattenFieldErrors(err.errors);
        // Discord answers a wrong password with 50035 on both fields.
        setFieldErrors(fields);
        if (Object.keys(fields).length === 0) setFormError(err.message.replace(/^.*-> \d+ \d+: /, ''));
      } else {
        setFormError('Could not reach the server. Check your connection and try again.');
      }
    } finally {
      setBusy(false);
    }
  };

  const label = (field: string, text: string) => (
    <label htmlFor={`auth-${field}`} className={fieldErrors[field] ? 'has-error' : ''}>
      {text}
      {fieldErrors[field] ? <span className="err" data-testid={`error-${field}`}> - {fieldErrors[field]}</span> : <span style={{ color: 'var(--red)' }}> *</span>}
    </label>
  );

  return (
    <div className="auth-bg">
      <div className="auth-brand">
        <LogoIcon size={36} /> Concord
      </div>
      <form className="auth-card" onSubmit={(e) => void submit(e)} data-testid={`${mode}-form`} noValidate>
        {banner}
        {mode === 'login' ? (
          <>
            <h1>Welcome back!</h1>
            <div className="subtitle">We&apos;re so excited to see you again!</div>
          </>
        ) : (
          <>
            <h1>Create an account</h1>
            <div className="subtitle">Join your friends on Concord.</div>
          </>
        )}
        {reason ? <div className="form-error">{reason}</div> : null}
        {formError ? <div className="form-error" data-testid="auth-error">{formError}</div> : null}
        {needsServerUrl() ? (
          <div className="field">
            {label('server', 'Server')}
            <input id="auth-server" className="input" value={server} onChange={(e) => setServer(e.target.value)} />
          </div>
        ) : null}
        {mode === 'login' ? (
          <div className="field">
            {label('login', 'Email or username')}
            <input id="auth-login" data-testid="login-username" className="input" autoFocus autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} />
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor="auth-email" className={fieldErrors['email'] ? 'has-error' : ''}>
                Email
                {fieldErrors['email'] ? <span className="err" data-testid="error-email"> - {fieldErrors['email']}</span> : null}
              </label>
              <input id="auth-email" data-testid="register-email" className="input" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            </div>
            <div className="field">
              {label('username', 'Username')}
              <input id="auth-username" data-testid="register-username" className="input" autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
            </div>
          </>
        )}
        <div className="field">
          {label('password', 'Password')}
          <input
            id="auth-password"
            data-testid={mode === 'login' ? 'login-password' : 'register-password'}
            className="input"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button className="btn block" type="submit" disabled={busy} data-testid={`${mode}-submit`}>
          {busy ? '…' : mode === 'login' ? 'Log In' : 'Continue'}
        </button>
        <div className="switch-link">
          {mode === 'login' ? (
            <>
              Need an account?{' '}
              <button type="button" data-testid="goto-register" onClick={() => { setMode('register'); setFieldErrors({}); setFormError(null); }}>
                Register
              </button>
            </>
          ) : (
            <button type="button" data-testid="goto-login" onClick={() => { setMode('login'); setFieldErrors({}); setFormError(null); }}>
              Already have an account?
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
