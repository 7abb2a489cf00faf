// Server Settings -> Server Boost Status: the level, a progress bar with the tier marks toward the
// next level (moves live on GUILD_UPDATE), the perks of each level, who boosts, Boost This Server,
// which spends one of the user's free boost slots (Nitro includes two), and the user's own boosts
// here, each of which they may remove (asked twice: the level may drop with it).
import { useCallback, useEffect, useState } from 'react';
import { BOOSTS_FOR_TIER, type PremiumTier } from '@concord/protocol';
import { useGuildStore } from '../state/guildStore.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { errorText } from '../session/actions.ts';
import { CheckIcon, LockIcon } from '../ui/Icons.dom.tsx';
import { TIER_NAMES, boostProgress, guildBoostCount, tierPerkLines } from './boostProgress.ts';
import { boostGuild, listBoostSlots, listGuildBoosts, removeBoost, type BoostSlot, type PremiumGuildSubscription } from './premiumApi.ts';
import './premium.css';

export function BoostStatus({ guildId }: { guildId: string }) {
  const guild = useGuildStore((s) => s.guilds[guildId]);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const [slots, setSlots] = useState<BoostSlot[] | null>(null);
  const [boosts, setBoosts] = useState<PremiumGuildSubscription[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The boost whose removal is being confirmed. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const count = guild ? guildBoostCount(guild) : 0;

  const reload = useCallback(async () => {
    const [s, b] = await Promise.allSettled([listBoostSlots(), listGuildBoosts(guildId)]);
    if (s.status === 'fulfilled') setSlots(s.value);
    else setError(errorText(s.reason));
    if (b.status === 'fulfilled') setBoosts(b.value);
  }, [guildId]);
  // The count comes from GUILD_UPDATE; the lists are fetched again whenever it moves.
  useEffect(() => {
    void reload();
  }, [reload, count]);

  if (!guild) return null;
  const progress = boostProgress(count);
  const free = (slots ?? []).filter((s) => !s.premium_guild_subscription && !s.canceled);
  const myBoosts = (boosts ?? []).filter((b) => b.user_id === selfId && !b.ended);
  const mine = myBoosts.length;
  const byUser = new Map<string, { name: string; count: number }>();
  for (const b of boosts ?? []) {
    if (b.ended) continue;
    const entry = byUser.get(b.user_id) ?? { name: b.user?.global_name || b.user?.username || b.user_id, count: 0 };
    entry.count++;
    byUser.set(b.user_id, entry);
  }
  const boosters = [...byUser];

  const boost = async () => {
    const slot = free[0];
    if (!slot) return;
    setBusy(true);
    setError(null);
    try {
      await boostGuild(guildId, [slot.id]);
      useUiStore.getState().showToast(`You boosted ${guild.name}!`);
      await reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (subscriptionId: string) => {
    setBusy(true);
    setError(null);
    try {
      await removeBoost(guildId, subscriptionId);
      setConfirming(null);
      useUiStore.getState().showToast(`Boost removed from ${guild.name}`);
      await reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="boost-status" data-testid="boost-status" data-tier={progress.tier} data-boosts={progress.count}>
      <h2>Server Boost Status</h2>
      <div className="boost-hero">
        <div>
          <div className="boost-level" data-testid="boost-level">{TIER_NAMES[progress.tier]}</div>
          <div className="boost-count" data-testid="boost-count">
            {progress.count} Boost{progress.count === 1 ? '' : 's'}
            {progress.next ? ` · ${progress.next.needed} more for ${TIER_NAMES[progress.next.tier]}` : ' · the highest level'}
          </div>
        </div>
        <button className="btn boost-button" onClick={() => void boost()} disabled={busy || free.length === 0} data-testid="boost-this-server" title={free.length === 0 ? 'You have no free boosts. Nitro includes 2.' : undefined}>
          Boost This Server
        </button>
      </div>
      <div className="boost-bar" role="progressbar" aria-label="Boost progress" aria-valuemin={0} aria-valuemax={BOOSTS_FOR_TIER[3]} aria-valuenow={progress.count} data-testid="boost-bar">
        <div className="fill" style={{ width: `${Math.round(progress.fraction * 1000) / 10}%` }} />
        {([1, 2, 3] as const).map((t) => (
          <div key={t} className={`mark ${progress.tier >= t ? 'reached' : ''}`} style={{ left: `${(t / 3) * 100}%` }}>
            <span className="dot" />
            <span className="label">{TIER_NAMES[t]}</span>
            <span className="need">{BOOSTS_FOR_TIER[t]} Boosts</span>
          </div>
        ))}
      </div>
      <p className="boost-slots" data-testid="boost-slots">
        {slots === null
          ? 'Loading your boosts…'
          : `You have ${free.length} free boost${free.length === 1 ? '' : 's'}${mine > 0 ? ` and boost this server ${mine}×` : ''}.${free.length === 0 && (slots.length === 0) ? ' Nitro includes 2 boosts a month.' : ''}`}
      </p>
      {error ? <div className="boost-error" data-testid="boost-error">{error}</div> : null}
      <div className="tier-cards">
        {([1, 2, 3] as const).map((t: PremiumTier) => (
          <div key={t} className={`tier-card ${progress.tier >= t ? 'unlocked' : ''}`} data-testid={`tier-card-${t}`}>
            <div className="tier-head">
              {progress.tier >= t ? <CheckIcon size={16} /> : <LockIcon size={16} />}
              <strong>{TIER_NAMES[t]}</strong>
              <span>{BOOSTS_FOR_TIER[t]} Boosts</span>
            </div>
            <ul>
              {tierPerkLines(t).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      {myBoosts.length > 0 ? (
        <>
          <h3>Your Boosts</h3>
          <ul className="my-boosts" data-testid="my-boosts">
            {myBoosts.map((b, i) => (
              <li key={b.id} data-testid="my-boost" data-subscription-id={b.id}>
                <span>Boost {i + 1}</span>
                {confirming === b.id ? (
                  <span className="confirm" data-testid="remove-boost-confirm">
                    <span className="muted">Remove it? The server may drop a level.</span>
                    <button className="btn small danger" onClick={() => void remove(b.id)} disabled={busy} data-testid="confirm-remove-boost">
                      Remove Boost
                    </button>
                    <button className="btn small secondary" onClick={() => setConfirming(null)} disabled={busy}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button className="btn small secondary" onClick={() => setConfirming(b.id)} disabled={busy} data-testid="remove-boost">
                    Remove Boost
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {boosters.length > 0 ? (
        <>
          <h3>Boosters</h3>
          <ul className="booster-list" data-testid="booster-list">
            {boosters.map(([id, b]) => (
              <li key={id}>
                {b.name}
                {b.count > 1 ? <span className="muted"> ×{b.count}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
