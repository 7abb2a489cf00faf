// Plan names for `premium_type`, as Discord's client labels them.
import type { PremiumTypeValue } from '@concord/protocol';

export const PREMIUM_NAMES: Readonly<Record<PremiumTypeValue, string>> = { 0: 'None', 1: 'Nitro Classic', 2: 'Nitro', 3: 'Nitro Basic' };

export function premiumName(premiumType: number): string {
  return premiumType === 1 || premiumType === 2 || premiumType === 3 ? PREMIUM_NAMES[premiumType] : PREMIUM_NAMES[0];
}
