// Pure reads of premium state that any service may use: a user's effective premium_type (an expired
// grant no longer counts, even before the sweep removes it), a guild's boost tier (the accessor
// emoji and sticker slots read), the perks that follow, and the limits each perk sets.
import crypto from 'node:crypto';
import {
  GUILD_TIER_PERKS,
  maxUploadBytes,
  premiumTierForBoosts,
  userPremiumPerks,
  type PremiumTier,
  type PremiumTypeValue,
  type UserPremiumPerks,
} from '@concord/protocol';
import type { GuildRecord, UserRecord } from '../../store/records.ts';
import { DomainError } from '../DomainError.ts';

/** premium_type as it counts now: 0 without a grant or once the grant has expired (lazily, before the sweep). */
export function effectivePremiumType(user: UserRecord, nowMs = Date.now()): PremiumTypeValue {
  const p = user.premium;
  if (!p) return 0;
  if (p.expires_at !== null && p.expires_at <= nowMs) return 0;
  return p.premium_type >= 1 && p.premium_type <= 3 ? (p.premium_type as PremiumTypeValue) : 0;
}

export function perksOf(user: UserRecord, nowMs = Date.now()): UserPremiumPerks {
  return userPremiumPerks(effectivePremiumType(user, nowMs));
}

/** The guild's boost tier (0-3) from its active boosts: what emoji/sticker slots, bitrate and upload caps follow. */
export function guildPremiumTier(guild: GuildRecord): PremiumTier {
  return premiumTierForBoosts(guild.premium_subscription_count ?? 0);
}

/** The largest file `user` may upload in a guild of that record (null: a DM, only their own limit). */
export function uploadLimitBytes(baseUploadBytes: number, user: UserRecord, guild: GuildRecord | null): number {
  return maxUploadBytes(baseUploadBytes, effectivePremiumType(user), guild ? guildPremiumTier(guild) : null);
}

/** Message content may be 4,000 characters with Nitro, else 2,000: Discord's 50035 BASE_TYPE_MAX_LENGTH otherwise. */
export function assertContentLength(user: UserRecord, content: string): void {
  const max = perksOf(user).maxMessageLength;
  if (content.length > max) throw DomainError.fieldError('content', 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

/** A voice channel's bitrate may not exceed the guild tier's cap: 50035 BASE_TYPE_MAX on `bitrate` as Discord answers. */
export function assertBitrateWithinTier(guild: GuildRecord, bitrate: number | null | undefined): void {
  if (bitrate == null) return;
  const cap = GUILD_TIER_PERKS[guildPremiumTier(guild)].maxBitrateBps;
  if (bitrate > cap) throw DomainError.fieldError('bitrate', 'BASE_TYPE_MAX', `int value should be less than or equal to ${cap}.`);
}

export interface StreamQualityLimit {
  maxHeight: number;
  maxFps: number;
}

/** Go Live quality for a streamer in a guild: the better of their Nitro and the guild's tier (for the video issue). */
export function streamQualityLimit(premiumType: number, guildTier: PremiumTier | null): StreamQualityLimit {
  const own = userPremiumPerks(premiumType);
  const guild = guildTier === null ? null : GUILD_TIER_PERKS[guildTier];
  return { maxHeight: Math.max(own.streamMaxHeight, guild?.streamMaxHeight ?? 0), maxFps: Math.max(own.streamMaxFps, guild?.streamMaxFps ?? 0) };
}

/** A GIF data URI: an animated avatar or banner. */
export function isAnimatedImage(dataUri: string): boolean {
  return /^data:image\/gif[;,]/i.test(dataUri);
}

/** An image hash as Discord spells it: `a_` before the hash of an animated image. */
export function imageHash(dataUri: string): string {
  const hash = crypto.createHash('md5').update(dataUri).digest('hex');
  return isAnimatedImage(dataUri) ? `a_${hash}` : hash;
}
