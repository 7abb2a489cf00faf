// Invite friends: creates an invite for the channel, shows a copyable link, and lets the user
// pick how long it lasts and how many times it can be used.
import { useCallback, useEffect, useState } from 'react';
import type { APIInvite } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { getSession } from '../session/currentSession.ts';
import { copyText, errorText } from '../session/actions.ts';
import { serverOrigin } from '../session/serverUrl.ts';
import { Modal } from '../ui/Modal.dom.tsx';

export const EXPIRY_OPTIONS = [
  { seconds: 1800, label: '30 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 21600, label: '6 hours' },
  { seconds: 43200, label: '12 hours' },
  { seconds: 86400, label: '1 day' },
  { seconds: 604800, label: '7 days' },
  { seconds: 0, label: 'Never' },
] as const;
export const MAX_USES_OPTIONS = [0, 1, 5, 10, 25, 50, 100] as const;

export function inviteUrl(code: string): string {
  return `${serverOrigin()}/invite/${code}`;
}

export function InviteModal({ guildId, channelId }: { guildId: string; channelId: string }) {
  const guildName = useGuildStore((s) => s.guilds[guildId]?.name ?? '');
  const channelName = useGuildStore((s) => s.channels[channelId]?.name ?? '');
  const [maxAge, setMaxAge] = useState<number>(604800);
  const [maxUses, setMaxUses] = useState<number>(0);
  const [invite, setInvite] = useState<APIInvite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [copied, setCopied] = useState(false);

  const generate = useCallback(
    async (age: number, uses: number) => {
      setError(null);
      setInvite(null);
      try {
        setInvite(await getSession().api.createInvite(channelId, { max_age: age, max_uses: uses, unique: true }));
      } catch (err) {
        setError(errorText(err));
      }
    },
    [channelId],
  );

  useEffect(() => {
    void generate(604800, 0);
  }, [generate]);

  const link = invite ? inviteUrl(invite.code) : '';
  // Describe the invite the server made, not the options last picked.
  const shownAge = invite?.max_age ?? maxAge;
  const shownUses = invite?.max_uses ?? maxUses;
  const expiryLabel = EXPIRY_OPTIONS.find((o) => o.seconds === shownAge)?.label ?? `${Math.round(shownAge / 60)} minutes`;

  if (editing) {
    return (
      <Modal
        title="Server invite link settings"
        align="left"
        testId="invite-settings-modal"
        footer={
          <>
            <button className="btn link" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button
              className="btn"
              data-testid="invite-generate"
              onClick={() => {
                setEditing(false);
                void generate(maxAge, maxUses);
              }}
            >
              Generate a New Link
            </button>
          </>
        }
      >
        <div className="field">
          <label htmlFor="invite-expiry">Expire after</label>
          <select id="invite-expiry" className="input" value={maxAge} onChange={(e) => setMaxAge(Number(e.target.value))} data-testid="invite-expiry">
            {EXPIRY_OPTIONS.map((o) => (
              <option key={o.seconds} value={o.seconds}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="invite-uses">Max number of uses</label>
          <select id="invite-uses" className="input" value={maxUses} onChange={(e) => setMaxUses(Number(e.target.value))} data-testid="invite-max-uses">
            {MAX_USES_OPTIONS.map((n) => (
              <option key={n} value={n}>
                {n === 0 ? 'No limit' : `${n} use${n === 1 ? '' : 's'}`}
              </option>
            ))}
          </select>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title={`Invite friends to ${guildName}`} align="left" testId="invite-modal" subtitle={`Recipients will land in #${channelName}`}>
      <div className="label">Send a server invite link to a friend</div>
      <div className="copy-row">
        <input readOnly value={link} data-testid="invite-link" aria-label="Invite link" onFocus={(e) => e.currentTarget.select()} />
        <button
          className={`btn small ${copied ? '' : ''}`}
          style={copied ? { background: 'var(--green)' } : undefined}
          disabled={!link}
          data-testid="invite-copy"
          onClick={() => {
            copyText(link, 'Invite link');
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {error ? <div className="form-error" style={{ marginTop: 8 }}>{error}</div> : null}
      <div className="hint" style={{ marginTop: 8 }}>
        {shownAge === 0 ? 'Your invite link will never expire.' : `Your invite link expires in ${expiryLabel}.`}
        {shownUses > 0 ? ` It can be used ${shownUses} time${shownUses === 1 ? '' : 's'}.` : ''}{' '}
        <button style={{ color: 'var(--link)' }} onClick={() => setEditing(true)} data-testid="invite-edit">
          Edit invite link.
        </button>
      </div>
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 16 }}>
        <button className="btn secondary small" onClick={() => useUiStore.getState().closeModal()}>
          Done
        </button>
      </div>
    </Modal>
  );
}
