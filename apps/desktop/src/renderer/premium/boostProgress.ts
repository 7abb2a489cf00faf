// What the Server Boost Status page draws: the tier from the guild's boost count (the server
// sends `premium_tier`, but the count alone decides it: BOOSTS_FOR_TIER), how far the bar is
// toward the next tier, and the perks each tier adds, from the protocol's one perks table.
import { BOOSTS_FOR_TIER, GUILD_TIER_PERKS, premiumTierForBoosts, type PremiumTier } from '@concord/protocol';
import { formatBytes } from '../ui/format.ts';

export const TIER_NAMES: Readonly<Record<PremiumTier, string>> = { 0: 'No Level', 1: 'Level 1', 2: 'Level 2', 3: 'Level 3' };

export interface BoostProgress {
  tier: PremiumTier;
  count: number;
  /** The next tier and how many more boosts it needs (null at tier 3). */
  next: { tier: PremiumTier; needed: number } | null;
  /** 0..1 along the whole bar (0 boosts -> 0, tier 3's 14 -> 1), with the tiers at even steps as Discord draws it. */
  fraction: number;
}

export function boostProgress(count: number): BoostProgress {
  const safe = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
  const tier = premiumTierForBoosts(safe);
  if (tier === 3) return { tier, count: safe, next: null, fraction: 1 };
  const nextTier = (tier + 1) as PremiumTier;
  const from = BOOSTS_FOR_TIER[tier];
  const to = BOOSTS_FOR_TIER[nextTier];
  const within = (safe - from) / (to - from);
  return { tier, count: safe, next: { tier: nextTier, needed: to - safe }, fraction: (tier + within) / 3 };
}

/** The guild record's boost fields, read defensively (older servers omit the count). */
export function guildBoostCount(guild: { premium_subscription_count?: number | undefined; premium_tier: number }): number {
  const n = guild.premium_subscription_count;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
  // Without a count, the lowest count of the tier the server reports.
  const tier = guild.premium_tier >= 0 && guild.premium_tier <= 3 ? (guild.premium_tier as PremiumTier) : 0;
  return BOOSTS_FOR_TIER[tier];
}

export function tierOf(guild: { premium_subscription_count?: number | undefined; premium_tier: number }): PremiumTier {
  return premiumTierForBoosts(guildBoostCount(guild));
}

/** One line per perk, as the tier cards list them. */
export function tierPerkLines(tier: PremiumTier): string[] {
  const p = GUILD_TIER_PERKS[tier];
  const lines = [
    `${p.emojiSlots} emoji slots (static and animated each)`,
    `${p.stickerSlots} sticker slots`,
    `${p.maxBitrateBps / 1000} kbps audio quality`,
    `Go Live up to ${p.streamMaxHeight}p ${p.streamMaxFps} fps`,
  ];
  if (p.uploadBytes !== null) lines.push(`${formatBytes(p.uploadBytes)} uploads for all members`);
  if (p.animatedIcon) lines.push('Animated server icon');
  if (p.banner) lines.push('Server banner');
  if (p.vanityUrl) lines.push('Vanity invite URL');
  return lines;
}
