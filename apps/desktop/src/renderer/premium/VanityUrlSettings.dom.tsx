// Server Settings -> Overview -> Vanity URL: a Level 3 perk. Below Level 3 it is locked, with the
// server's level and the boosts still missing under it; at Level 3 a manager sets or clears the code
// (PATCH /guilds/:id/vanity-url) and sees the link and its uses. The stored code is the guild's
// vanity_url_code, live from GUILD_UPDATE (the server clears it when the level drops).
import { useEffect, useState } from 'react';
import { BOOSTS_FOR_TIER } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { inviteUrl } from '../guild/InviteModal.dom.tsx';
import { serverOrigin } from '../session/serverUrl.ts';
import { LockIcon } from '../ui/Icons.dom.tsx';
import { TIER_NAMES, boostProgress, guildBoostCount } from './boostProgress.ts';
import { getVanityUrl, setVanityUrl } from './premiumApi.ts';
import { VANITY_MAX_LENGTH, normalizeVanityInput, vanityRefusal, type VanityRefusal } from './vanityUrl.ts';
import './premium.css';

export function VanityUrlSettings({ guildId, canEdit }: { guildId: string; canEdit: boolean }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const raw: unknown = guild?.vanity_url_code;
  const stored = typeof raw === 'string' && raw !== '' ? raw : null;
  const progress = boostProgress(guild ? guildBoostCount(guild) : 0);
  const unlocked = progress.tier === 3;
  const [draft, setDraft] = useState(stored ?? '');
  const [uses, setUses] = useState<number | null>(null);
  const [refusal, setRefusal] = useState<VanityRefusal | null>(null);
  const [busy, setBusy] = useState(false);

  // A code changed elsewhere (another manager, or cleared when the level dropped) replaces the draft.
  useEffect(() => {
    setDraft(stored ?? '');
    setUses(null);
    if (!canEdit || !unlocked || stored === null) return;
    let live = true;
    getVanityUrl(guildId).then(
      (v) => {
        if (live) setUses(v.uses);
      },
      (err: unknown) => console.warn('could not read the vanity URL’s uses', err),
    );
    return () => {
      live = false;
    };
  }, [guildId, stored, canEdit, unlocked]);

  if (!guild) return null;

  if (!unlocked) {
    const needed = BOOSTS_FOR_TIER[3] - progress.count;
    return (
      <section className="vanity-url locked" data-testid="vanity-url" data-locked="true">
        <h3>Vanity URL</h3>
        <div className="perk-lock">
          <LockIcon size={14} /> Unlocks at {TIER_NAMES[3]}
        </div>
        <div className="vanity-tier" data-testid="vanity-tier">
          This server is at {TIER_NAMES[progress.tier]} with {progress.count} Boost{progress.count === 1 ? '' : 's'}: {needed} more for {TIER_NAMES[3]}.
        </div>
        <button className="btn small secondary" onClick={() => useUiStore.getState().openModal({ kind: 'guildSettings', guildId, tab: 'boosts' })} data-testid="vanity-see-boosts">
          Server Boost Status
        </button>
      </section>
    );
  }

  const next = normalizeVanityInput(draft);
  const save = async (code: string | null) => {
    setBusy(true);
    setRefusal(null);
    try {
      const saved = await setVanityUrl(guildId, code);
      // GUILD_UPDATE brings the same value; setting it here shows it without waiting for the gateway.
      useGuildStore.getState().updateGuild({ id: guildId, vanity_url_code: saved });
      useUiStore.getState().showToast(saved ? 'Vanity URL saved' : 'Vanity URL removed');
    } catch (err) {
      setRefusal(vanityRefusal(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="vanity-url" data-testid="vanity-url" data-locked="false" data-code={stored ?? undefined}>
      <h3>Vanity URL</h3>
      {canEdit ? (
        <form
          className="vanity-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (next !== (stored ?? '')) void save(next === '' ? null : next);
          }}
        >
          <div className={`vanity-input ${refusal ? 'invalid' : ''}`}>
            <span className="prefix">{serverOrigin().replace(/^https?:\/\//, '')}/invite/</span>
            <input
              className="input"
              value={draft}
              maxLength={VANITY_MAX_LENGTH}
              onChange={(e) => {
                setDraft(e.target.value);
                setRefusal(null);
              }}
              placeholder="your-server"
              aria-label="Vanity URL code"
              aria-invalid={refusal !== null}
              data-testid="vanity-input"
            />
          </div>
          <button type="submit" className="btn small" disabled={busy || next === (stored ?? '')} data-testid="vanity-save">
            Save
          </button>
          {stored ? (
            <button type="button" className="btn small danger" disabled={busy} onClick={() => void save(null)} data-testid="vanity-remove">
              Remove
            </button>
          ) : null}
        </form>
      ) : null}
      {refusal ? (
        <div className="form-error" role="alert" data-testid="vanity-error" data-error-code={refusal.code ?? undefined}>
          {refusal.text}
        </div>
      ) : null}
      {stored ? (
        <div className="hint" data-testid="vanity-link">
          Anyone can join with <a href={inviteUrl(stored)}>{inviteUrl(stored)}</a>
          {uses !== null ? ` · used ${uses} time${uses === 1 ? '' : 's'}` : ''}
        </div>
      ) : (
        <div className="hint">{canEdit ? 'Pick a short code people can remember: letters, digits and dashes, 2 to 32.' : 'This server has no vanity URL.'}</div>
      )}
    </section>
  );
}
