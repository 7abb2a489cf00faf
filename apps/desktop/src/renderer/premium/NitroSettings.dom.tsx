// User Settings -> Nitro: the user's premium_type (live from USER_UPDATE) and when it renews or
// ends (GET /users/@me/premium, asked again on each USER_UPDATE), the perks of each plan side by
// side with the current one marked, the boost slots it gives, and for a self-hosted instance the
// note that an instance administrator grants it (no payment provider).
import { useEffect, useState } from 'react';
import { USER_PREMIUM_PERKS, type PremiumTypeValue, type UserPremiumPerks } from '@concord/protocol';
import { useSessionStore } from '../state/sessionStore.ts';
import { errorText } from '../session/actions.ts';
import { formatBytes, formatDay, formatFull } from '../ui/format.ts';
import { CheckIcon, CloseIcon } from '../ui/Icons.dom.tsx';
import { fetchOwnPremium, listBoostSlots, type BoostSlot, type OwnPremium } from './premiumApi.ts';
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

/** The line under the plan's name: when it renews or ends, from the user's own premium answer. */
function planTerm(own: OwnPremium | null, premiumType: number): string {
  // Until the answer for the plan USER_UPDATE announced arrives, only that it is active.
  if (own?.premium_type !== premiumType) return 'Active';
  if (own.expires_at === null) return 'Active, with no end date';
  return `${own.renews ? 'Renews' : 'Ends'} on ${formatDay(own.expires_at)}`;
}

export function NitroSettings() {
  const premiumType = useSessionStore((s) => s.user?.premium_type ?? 0);
  // The self user object is replaced on every USER_UPDATE: a grant changed (a new end date with the
  // same plan included) is fetched again.
  const self = useSessionStore((s) => s.user);
  const [slots, setSlots] = useState<BoostSlot[] | null>(null);
  const [own, setOwn] = useState<OwnPremium | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listBoostSlots().then(setSlots, (err: unknown) => setError(errorText(err)));
    fetchOwnPremium().then(setOwn, (err: unknown) => setError(errorText(err)));
  }, [self]);
  const used = (slots ?? []).filter((s) => s.premium_guild_subscription).length;
  const has = premiumType !== 0;
  return (
    <div className="nitro-settings" data-testid="nitro-settings" data-premium-type={premiumType}>
      <h2>Nitro</h2>
      <div className={`nitro-hero ${has ? 'active' : ''}`}>
        <div>
          <div className="nitro-plan" data-testid="nitro-plan">{has ? premiumName(premiumType) : 'You don’t have Nitro'}</div>
          <div className="nitro-sub" data-testid="nitro-expiry" data-expires-at={own?.expires_at ?? undefined} title={own?.expires_at ? formatFull(own.expires_at) : undefined}>
            {has ? planTerm(own, premiumType) : 'Perks below unlock with a plan.'}
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
