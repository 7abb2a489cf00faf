// "Add a server": create your own, or join with an invite code or link.
import { useState } from 'react';
import { RestError } from '@concord/client';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { createGuild, errorText, joinGuild } from '../session/actions.ts';
import { Modal } from '../ui/Modal.dom.tsx';
import { CompassIcon, PlusIcon } from '../ui/Icons.dom.tsx';
import { flattenFieldErrors } from '../ui/fieldErrors.ts';

export function AddGuildModal({ step, initialCode }: { step: 'choose' | 'create' | 'join'; initialCode: string }) {
  const user = useSessionStore((s) => s.user);
  const [name, setName] = useState(`${user?.global_name || user?.username || 'My'}'s server`);
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = (next: 'choose' | 'create' | 'join') => useUiStore.getState().openModal({ kind: 'addGuild', step: next });

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      useUiStore.getState().closeModal();
    } catch (err) {
      const fields = err instanceof RestError ? flattenFieldErrors(err.errors) : {};
      setError(Object.values(fields)[0] ?? errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (step === 'choose') {
    return (
      <Modal title="Create Your Server" subtitle="Your server is where you and your friends hang out. Make yours and start talking." testId="add-guild-modal">
        <button className="choice" onClick={() => go('create')} data-testid="choose-create">
          <span className="avatar" style={{ width: 48, height: 48, background: 'var(--green)' }}>
            <PlusIcon />
          </span>
          Create My Own
        </button>
        <h3 style={{ textAlign: 'center', margin: '16px 0 8px', fontSize: 18, color: 'var(--text-strong)' }}>Have an invite already?</h3>
        <button className="btn secondary block" onClick={() => go('join')} data-testid="choose-join">
          Join a Server
        </button>
      </Modal>
    );
  }
  if (step === 'create') {
    return (
      <Modal
        title="Customize Your Server"
        subtitle="Give your new server a personality with a name. You can always change it later."
        testId="create-guild-modal"
        footer={
          <>
            <button className="btn link left" onClick={() => go('choose')}>
              Back
            </button>
            <button className="btn" disabled={busy || !name.trim()} data-testid="create-guild-submit" onClick={() => void run(() => createGuild(name.trim()))}>
              Create
            </button>
          </>
        }
      >
        <div className="field">
          <label htmlFor="guild-name">Server name</label>
          <input
            id="guild-name"
            className="input"
            data-testid="guild-name-input"
            value={name}
            autoFocus
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && name.trim() && void run(() => createGuild(name.trim()))}
          />
        </div>
        {error ? <div className="form-error">{error}</div> : null}
      </Modal>
    );
  }
  return (
    <Modal
      title="Join a Server"
      subtitle="Enter an invite below to join an existing server"
      testId="join-guild-modal"
      footer={
        <>
          <button className="btn link left" onClick={() => go('choose')}>
            Back
          </button>
          <button className="btn" disabled={busy || !code.trim()} data-testid="join-guild-submit" onClick={() => void run(() => joinGuild(code))}>
            Join Server
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="invite-code" className={error ? 'has-error' : ''}>
          Invite link{error ? <span className="err" data-testid="join-error"> - {error}</span> : <span style={{ color: 'var(--red)' }}> *</span>}
        </label>
        <input
          id="invite-code"
          className="input"
          data-testid="invite-code-input"
          placeholder={`${location.origin}/invite/hTKzmak`}
          value={code}
          autoFocus
          onChange={(e) => setCode(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && code.trim() && void run(() => joinGuild(code))}
        />
      </div>
      <h3 className="label">Invites should look like</h3>
      <div style={{ fontSize: 14, color: 'var(--text-normal)', lineHeight: '22px' }}>
        hTKzmak
        <br />
        {location.origin}/invite/hTKzmak
      </div>
      <div className="choice" style={{ marginTop: 16, cursor: 'default' }}>
        <CompassIcon />
        <span style={{ fontWeight: 500, fontSize: 14 }}>Ask a friend for an invite to their server.</span>
      </div>
    </Modal>
  );
}
