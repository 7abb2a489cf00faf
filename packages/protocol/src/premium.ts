// Premium (Nitro) and server boosts: what each level unlocks, in one table the server enforces and
// the clients show (locks, "N/50 slots", the boost bar). The numbers are Discord's published ones;
// `baseUploadBytes` is the instance's MAX_UPLOAD_BYTES, so a self-hoster's base limit still holds.

/** `premium_type` on a user, numbered as Discord numbers it. */
export const PremiumType = { NONE: 0, NITRO_CLASSIC: 1, NITRO: 2, NITRO_BASIC: 3 } as const;
export type PremiumTypeValue = (typeof PremiumType)[keyof typeof PremiumType];

/** A guild's `premium_tier` (0-3) follows its boost count: 2 for tier 1, 7 for tier 2, 14 for tier 3. */
export const BOOSTS_FOR_TIER = [0, 2, 7, 14] as const;
export type PremiumTier = 0 | 1 | 2 | 3;

export function premiumTierForBoosts(boostCount: number): PremiumTier {
  if (boostCount >= BOOSTS_FOR_TIER[3]) return 3;
  if (boostCount >= BOOSTS_FOR_TIER[2]) return 2;
  if (boostCount >= BOOSTS_FOR_TIER[1]) return 1;
  return 0;
}

export interface GuildTierPerks {
  /** Static and animated emoji each have this many slots. */
  emojiSlots: number;
  stickerSlots: number;
  /** The highest voice channel bitrate allowed. */
  maxBitrateBps: number;
  /** Uploads in this guild may be this large whatever the sender's own limit (null: no raise). */
  uploadBytes: number | null;
  /** Go Live quality a member without Nitro may stream at here. */
  streamMaxHeight: number;
  streamMaxFps: number;
  vanityUrl: boolean;
  animatedIcon: boolean;
  banner: boolean;
}

export const GUILD_TIER_PERKS: Readonly<Record<PremiumTier, GuildTierPerks>> = {
  0: { emojiSlots: 50, stickerSlots: 5, maxBitrateBps: 96_000, uploadBytes: null, streamMaxHeight: 720, streamMaxFps: 30, vanityUrl: false, animatedIcon: false, banner: false },
  1: { emojiSlots: 100, stickerSlots: 15, maxBitrateBps: 128_000, uploadBytes: null, streamMaxHeight: 720, streamMaxFps: 60, vanityUrl: false, animatedIcon: true, banner: false },
  2: { emojiSlots: 150, stickerSlots: 30, maxBitrateBps: 256_000, uploadBytes: 50 * 1024 * 1024, streamMaxHeight: 1080, streamMaxFps: 60, vanityUrl: false, animatedIcon: true, banner: true },
  3: { emojiSlots: 250, stickerSlots: 60, maxBitrateBps: 384_000, uploadBytes: 100 * 1024 * 1024, streamMaxHeight: 1080, streamMaxFps: 60, vanityUrl: true, animatedIcon: true, banner: true },
};

export interface UserPremiumPerks {
  /** Custom emoji (and animated ones) from any server, not only the one they belong to. */
  emojiAnywhere: boolean;
  /** null: the instance's base limit. */
  uploadBytes: number | null;
  maxMessageLength: number;
  animatedAvatar: boolean;
  profileBanner: boolean;
  streamMaxHeight: number;
  streamMaxFps: number;
  /** Boosts included with the subscription. */
  includedBoosts: number;
}

export const USER_PREMIUM_PERKS: Readonly<Record<PremiumTypeValue, UserPremiumPerks>> = {
  0: { emojiAnywhere: false, uploadBytes: null, maxMessageLength: 2000, animatedAvatar: false, profileBanner: false, streamMaxHeight: 720, streamMaxFps: 30, includedBoosts: 0 },
  1: { emojiAnywhere: true, uploadBytes: 50 * 1024 * 1024, maxMessageLength: 2000, animatedAvatar: true, profileBanner: false, streamMaxHeight: 1080, streamMaxFps: 60, includedBoosts: 0 },
  2: { emojiAnywhere: true, uploadBytes: 500 * 1024 * 1024, maxMessageLength: 4000, animatedAvatar: true, profileBanner: true, streamMaxHeight: 2160, streamMaxFps: 60, includedBoosts: 2 },
  3: { emojiAnywhere: true, uploadBytes: 50 * 1024 * 1024, maxMessageLength: 2000, animatedAvatar: false, profileBanner: false, streamMaxHeight: 720, streamMaxFps: 30, includedBoosts: 0 },
};

export function userPremiumPerks(premiumType: number): UserPremiumPerks {
  return USER_PREMIUM_PERKS[(premiumType >= 0 && premiumType <= 3 ? premiumType : 0) as PremiumTypeValue];
}

/** The upload limit for one sender in one place: the largest of the instance base, their Nitro and the guild's tier. */
export function maxUploadBytes(baseUploadBytes: number, premiumType: number, guildTier: PremiumTier | null): number {
  const own = userPremiumPerks(premiumType).uploadBytes ?? 0;
  const guild = guildTier === null ? 0 : (GUILD_TIER_PERKS[guildTier].uploadBytes ?? 0);
  return Math.max(baseUploadBytes, own, guild);
}
