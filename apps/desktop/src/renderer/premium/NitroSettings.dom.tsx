// User Settings -> Nitro: the user's premium_type (live from USER_UPDATE) and when it ends, the
// perks of each plan side by side with the current one marked, the boost slots it gives, and for
// a self-hosted instance the note that an instance administrator grants it (no payment provider).
import { useEffect, useState } from 'react';
import { USER_PREMIUM_PERKS, type PremiumTypeValue, type UserPremiumPerks } from '@concord/protocol';
import { useSessionStore } from '../state/sessionStore.ts';
import { errorText } from '../session/actions.ts';
import { formatBytes, formatFull } from '../ui/format.ts';
import { CheckIcon, CloseIcon } from '../ui/Icons.dom.tsx';
import { fetchOwnGrant, listBoostSlots, type BoostSlot } from './premiumApi.ts';
import { useInstanceAdmin } from './useInstanceAdmin.ts';
import { PREMIUM_NAMES, premiumName } from './premiumNames.ts';
import './premium.css';

const PLANS: PremiumTypeValue[] = [0, 3, 1, 2];

function perkRows(p: UserPremiumPerks): [string, string | boolean][] {
  return [
    ['Custom emoji anywhere (and animated emoji)', p.emojiAnywhere],
    ['Upload size', p.uploadBytes === null ? 'Server default' : formatBytes(p.uploadBytes)],
    ['Message length', `${p.maxMessageLength.toLocaleString('en-US')} characters`],
    ['Animated avatar', p.animatedAvatar],
    ['Profile banner', p.profileBanner],
    ['Go Live quality', `${p.streamMaxHeight}p ${p.streamMaxFps} fps`],
    ['Server Boosts included', p.includedBoosts > 0 ? `${p.includedBoosts}` : false],
  ];
}

export function NitroSettings() {
  const premiumType = useSessionStore((s) => s.user?.premium_type ?? 0);
  const selfId = useSessionStore((s) => s.user?.id ?? '');
  const admin = useInstanceAdmin();
  const [slots, setSlots] = useState<BoostSlot[] | null>(null);
  const [expiresAt, setExpiresAt] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listBoostSlots().then(setSlots, (err: unknown) => setError(errorText(err)));
    // Only the admin routes show a grant's end date; for others it stays unknown.
    if (admin && premiumType !== 0) fetchOwnGrant(selfId).then((p) => setExpiresAt(p?.expires_at ?? null), (err: unknown) => setError(errorText(err)));
  }, [premiumType, admin, selfId]);
  const used = (slots ?? []).filter((s) => s.premium_guild_subscription).length;
  const has = premiumType !== 0;
  return (
    <div className="nitro-settings" data-testid="nitro-settings" data-premium-type={premiumType}>
      <h2>Nitro</h2>
      <div className={`nitro-hero ${has ? 'active' : ''}`}>
        <div>
          <div className="nitro-plan" data-testid="nitro-plan">{has ? premiumName(premiumType) : 'You don’t have Nitro'}</div>
          <div className="nitro-sub" data-testid="nitro-expiry">
            {!has ? 'Perks below unlock with a plan.' : expiresAt === undefined ? 'Active until an instance admin ends it or its grant expires' : expiresAt ? `Active until ${formatFull(expiresAt)}` : 'Active, with no end date'}
          </div>
        </div>
        {has && slots ? (
          <div className="nitro-boosts" data-testid="nitro-boosts">
            {slots.length} Server Boost{slots.length === 1 ? '' : 's'} · {used} in use
          </div>
        ) : null}
      </div>
      <div className="selfhost-note" data-testid="nitro-selfhost-note">
        This server runs without a payment provider: <strong>an instance administrator grants Nitro</strong> (with an end date if they choose). Ask the person who runs it.
      </div>
      {error ? <div className="form-error">{error}</div> : null}
      <table className="perk-table" data-testid="nitro-perks">
        <thead>
          <tr>
            <th />
            {PLANS.map((t) => (
              <th key={t} className={t === premiumType ? 'current' : ''}>
                {PREMIUM_NAMES[t]}
                {t === premiumType ? <div className="current-tag">Current</div> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {perkRows(USER_PREMIUM_PERKS[0]).map(([label], row) => (
            <tr key={label}>
              <td>{label}</td>
              {PLANS.map((t) => {
                const v = perkRows(USER_PREMIUM_PERKS[t])[row]![1];
                return (
                  <td key={t} className={t === premiumType ? 'current' : ''}>
                    {v === true ? <CheckIcon size={16} className="yes" /> : v === false ? <CloseIcon size={16} className="no" /> : v}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
