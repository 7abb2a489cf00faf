// "Password and Authentication" in My Account: Discord's Change Password form (current, new, confirm).
// The server answers a password change with a new token and ends every other session.
import { RestError } from '@concord/client';
import { useState } from 'react';
import { flattenFieldErrors } from '../ui/fieldErrors.ts';
import { changePassword } from '../session/ConcordSession.ts';
import { useUiStore } from '../state/uiStore.ts';

export function ChangePassword() {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setOpen(false);
    setCurrent('');
    setNext('');
    setConfirm('');
    setErrors({});
  };

  const submit = async (e: React.SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (next !== confirm) {
      setErrors({ confirm: 'Passwords do not match!' });
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      reset();
      useUiStore.getState().showToast('Password changed. Your other devices were logged out.');
    } catch (err) {
      const fields = err instanceof RestError ? flattenFieldErrors(err.errors) : {};
      setErrors(Object.keys(fields).length ? fields : { form: err instanceof Error ? err.message : 'Something went wrong.' });
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <>
        <h3>Password and Authentication</h3>
        <button className="btn" onClick={() => setOpen(true)}>
          Change Password
        </button>
      </>
    );
  }
  const field = (id: string, label: string, value: string, set: (v: string) => void, autoComplete: string) => (
    <div className="field">
      <label htmlFor={`pw-${id}`} className={errors[id] ? 'has-error' : ''}>
        {label}
        {errors[id] ? <span className="err"> - {errors[id]}</span> : null}
      </label>
      <input id={`pw-${id}`} className="input" type="password" autoComplete={autoComplete} value={value} onChange={(e) => set(e.target.value)} required />
    </div>
  );
  return (
    <form className="change-password" onSubmit={(e) => void submit(e)} aria-label="Update your password">
      <h3>Update your password</h3>
      <p style={{ color: 'var(--text-muted)', fontSize: 14 }}>Enter your current password and a new password.</p>
      {field('password', 'Current Password', current, setCurrent, 'current-password')}
      {field('new_password', 'New Password', next, setNext, 'new-password')}
      {field('confirm', 'Confirm New Password', confirm, setConfirm, 'new-password')}
      {errors['form'] ? <p className="err" role="alert">{errors['form']}</p> : null}
      <div style={{ display: 'flex', gap: 8, justifyContent: 'flex-end' }}>
        <button type="button" className="btn link" onClick={reset}>
          Cancel
        </button>
        <button type="submit" className="btn" disabled={busy}>
          Done
        </button>
      </div>
    </form>
  );
}
