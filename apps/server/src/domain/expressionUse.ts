// Who may use which custom emoji and sticker where: the rules messages and reactions share. They
// read DomainState only (no storage), so the per-message cost is a map lookup per `<:name:id>`.
//
// Decided (Discord documents the client side only): the server enforces the rules instead of
// trusting the client. A `<:name:id>` the sender may not use here is rewritten to `:name:` (what
// Discord's client sends for a locked emoji, and what others then see), so the message still goes
// out; a reaction or sticker the sender may not use is refused. Usable means: the emoji is from
// this guild, or the sender is in the emoji's guild and has Nitro's emojiAnywhere (users) or is a
// bot (Discord lets bots use emoji of every guild they are in); outside its guild it also needs
// USE_EXTERNAL_EMOJIS in the channel; an emoji with `roles` needs one of them; an emoji beyond the
// guild's current slots (a lost boost tier) is unavailable.
import { GUILD_TIER_PERKS, PermissionFlags, customEmojiTokens, hasPermission } from '@concord/protocol';
import type { EmojiRecord, StickerRecord } from '../store/ExpressionStore.ts';
import type { UserRecord } from '../store/records.ts';
import type { DomainState, GuildState } from './DomainState.ts';
import { guildPremiumTier, perksOf } from './premium/entitlement.ts';

/** Why an emoji cannot be used: unknown (or of a guild the user is not in), unavailable, no Nitro, role-locked, or USE_EXTERNAL_EMOJIS missing. */
export type ExpressionRefusal = 'unknown' | 'unavailable' | 'premium' | 'roles' | 'permission';

export type EmojiUse = { ok: true; emoji: EmojiRecord } | { ok: false; reason: ExpressionRefusal };

/** Where something is used: the guild of the channel (null in DMs) and the sender's permissions there. */
export interface UsePlace {
  guildId: string | null;
  permissions: bigint;
}

/**
 * Whether an emoji still has a slot: static and animated emoji each keep the oldest `emojiSlots`
 * of the guild's current tier (Discord marks the rest unavailable when boosts run out).
 */
export function isEmojiAvailable(g: GuildState, e: EmojiRecord): boolean {
  if (!e.available) return false;
  const slots = GUILD_TIER_PERKS[guildPremiumTier(g.guild)].emojiSlots;
  let older = 0;
  for (const other of g.emojis.values()) if (other.animated === e.animated && other.id < e.id) older++;
  return older < slots;
}

export function isStickerAvailable(g: GuildState, s: StickerRecord): boolean {
  if (!s.available) return false;
  const slots = GUILD_TIER_PERKS[guildPremiumTier(g.guild)].stickerSlots;
  let older = 0;
  for (const other of g.stickers.values()) if (other.id < s.id) older++;
  return older < slots;
}

/** Whether `actor` may use something of guild `ownerGuild` outside it: a bot in that guild, or a member with Nitro. */
function mayUseOutside(actor: UserRecord, ownerGuild: GuildState): 'ok' | 'unknown' | 'premium' {
  if (!ownerGuild.members.has(actor.id)) return 'unknown';
  if (actor.bot) return 'ok';
  return perksOf(actor).emojiAnywhere ? 'ok' : 'premium';
}

export function checkEmojiUse(state: DomainState, actor: UserRecord, emojiId: string, place: UsePlace): EmojiUse {
  const emoji = state.emojis.get(emojiId);
  const owner = emoji ? state.guilds.get(emoji.guild_id) : undefined;
  if (!emoji || !owner) return { ok: false, reason: 'unknown' };
  if (emoji.guild_id !== place.guildId) {
    const outside = mayUseOutside(actor, owner);
    if (outside !== 'ok') return { ok: false, reason: outside };
    if (!hasPermission(place.permissions, PermissionFlags.USE_EXTERNAL_EMOJIS)) return { ok: false, reason: 'permission' };
  }
  if (!isEmojiAvailable(owner, emoji)) return { ok: false, reason: 'unavailable' };
  if (emoji.roles.length > 0) {
    const member = owner.members.get(actor.id);
    if (!member?.roles.some((r) => emoji.roles.includes(r))) return { ok: false, reason: 'roles' };
  }
  return { ok: true, emoji };
}

/** The content with every custom emoji the sender may not use here written as `:name:`. Unchanged content is returned as is. */
export function restrictCustomEmoji(state: DomainState, actor: UserRecord, place: UsePlace, content: string): string {
  const tokens = customEmojiTokens(content);
  if (tokens.length === 0) return content;
  let out = '';
  let from = 0;
  for (const t of tokens) {
    if (checkEmojiUse(state, actor, t.id, place).ok) continue;
    out += `${content.slice(from, t.index)}:${t.name}:`;
    from = t.index + t.length;
  }
  return from === 0 ? content : out + content.slice(from);
}

export type StickerUse = { ok: true; sticker: StickerRecord } | { ok: false; reason: ExpressionRefusal };

/**
 * Stickers: this guild's, or (users with Nitro, members of its guild, USE_EXTERNAL_STICKERS) another
 * guild's. Bots send only their guild's stickers, as Discord documents `sticker_ids`.
 */
export function checkStickerUse(state: DomainState, actor: UserRecord, stickerId: string, place: UsePlace): StickerUse {
  const sticker = state.stickers.get(stickerId);
  const owner = sticker ? state.guilds.get(sticker.guild_id) : undefined;
  if (!sticker || !owner) return { ok: false, reason: 'unknown' };
  if (sticker.guild_id !== place.guildId) {
    if (actor.bot) return { ok: false, reason: 'premium' };
    const outside = mayUseOutside(actor, owner);
    if (outside !== 'ok') return { ok: false, reason: outside };
    if (!hasPermission(place.permissions, PermissionFlags.USE_EXTERNAL_STICKERS)) return { ok: false, reason: 'permission' };
  }
  if (!isStickerAvailable(owner, sticker)) return { ok: false, reason: 'unavailable' };
  return { ok: true, sticker };
}
