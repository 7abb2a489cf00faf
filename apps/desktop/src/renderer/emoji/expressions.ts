// Custom emoji and stickers as the renderer sees them: zod decoders for the guild object's
// `emojis` / `stickers`, GUILD_EMOJIS_UPDATE / GUILD_STICKERS_UPDATE and `sticker_items`, their
// media URLs, and who may use which one where (Discord's rules: another server's emoji, animated
// emoji and another server's stickers need Nitro; a role-restricted emoji needs one of its roles).
import { z } from 'zod';
import { userPremiumPerks } from '@concord/protocol';
import { resolveMediaUrl } from '../session/serverUrl.ts';

const Snowflake = z.string().regex(/^\d{1,20}$/);

export const GuildEmojiSchema = z.object({
  id: Snowflake,
  name: z.string().min(1).max(32),
  animated: z.boolean().optional().default(false),
  available: z.boolean().optional().default(true),
  roles: z.array(Snowflake).optional().default([]),
  user: z.object({ id: Snowflake, username: z.string() }).passthrough().optional(),
});
export type GuildEmoji = z.output<typeof GuildEmojiSchema>;

/** Discord's sticker format types. */
export const StickerFormat = { PNG: 1, APNG: 2, LOTTIE: 3, GIF: 4 } as const;

export const GuildStickerSchema = z.object({
  id: Snowflake,
  name: z.string().min(1).max(30),
  description: z.string().nullable().optional().default(null),
  tags: z.string().optional().default(''),
  format_type: z.number().int().min(1).max(4),
  available: z.boolean().optional().default(true),
  user: z.object({ id: Snowflake, username: z.string() }).passthrough().optional(),
});
export type GuildSticker = z.output<typeof GuildStickerSchema>;

export const StickerItemSchema = z.object({ id: Snowflake, name: z.string(), format_type: z.number().int() });
export type StickerItem = z.output<typeof StickerItemSchema>;

/** Decodes a list element by element: one bad entry is dropped (and counted by the caller), not the list. */
export function decodeList<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, raw: unknown): { items: T[]; dropped: number } {
  if (!Array.isArray(raw)) return { items: [], dropped: raw === undefined ? 0 : 1 };
  const items: T[] = [];
  let dropped = 0;
  for (const entry of raw) {
    const r = schema.safeParse(entry);
    if (r.success) items.push(r.data);
    else dropped++;
  }
  return { items, dropped };
}

export const GuildEmojisUpdateSchema = z.object({ guild_id: Snowflake, emojis: z.array(z.unknown()) });
export const GuildStickersUpdateSchema = z.object({ guild_id: Snowflake, stickers: z.array(z.unknown()) });

/** `/emojis/:id.gif` for animated emoji, `.png` otherwise (Discord's CDN paths, served by the server). */
export function emojiUrl(id: string, animated: boolean): string {
  return resolveMediaUrl(`/emojis/${id}.${animated ? 'gif' : 'png'}`);
}

export function stickerUrl(id: string, formatType: number): string {
  return resolveMediaUrl(`/stickers/${id}.${formatType === StickerFormat.GIF ? 'gif' : formatType === StickerFormat.LOTTIE ? 'json' : 'png'}`);
}

/** How an emoji is written in a message. */
export function emojiMarkup(e: { id: string; name: string; animated: boolean }): string {
  return `<${e.animated ? 'a' : ''}:${e.name}:${e.id}>`;
}

export type EmojiLock = null | 'nitro' | 'role' | 'unavailable';

export interface UseContext {
  /** The guild of the channel being written in (null in DMs). */
  currentGuildId: string | null;
  premiumType: number;
  /** The user's roles in the emoji's guild (undefined: not a member). */
  memberRoles: readonly string[] | undefined;
}

/**
 * Why the user may not use this emoji here (null: they may). Order matters for the message
 * shown: an unavailable emoji (its guild lost the boost tier) is locked for everyone.
 */
export function emojiLock(emoji: Pick<GuildEmoji, 'animated' | 'available' | 'roles'>, emojiGuildId: string, ctx: UseContext): EmojiLock {
  if (!emoji.available) return 'unavailable';
  if (emoji.roles.length > 0 && !emoji.roles.some((r) => ctx.memberRoles?.includes(r))) return 'role';
  const anywhere = userPremiumPerks(ctx.premiumType).emojiAnywhere;
  if (anywhere) return null;
  if (emoji.animated || emojiGuildId !== ctx.currentGuildId) return 'nitro';
  return null;
}

/** Stickers: another server's need Nitro (Discord's rule); unavailable ones nobody can send. */
export function stickerLock(sticker: Pick<GuildSticker, 'available'>, stickerGuildId: string, ctx: Omit<UseContext, 'memberRoles'>): EmojiLock {
  if (!sticker.available) return 'unavailable';
  if (stickerGuildId === ctx.currentGuildId || userPremiumPerks(ctx.premiumType).emojiAnywhere) return null;
  return 'nitro';
}

export function lockReason(lock: Exclude<EmojiLock, null>, kind: 'emoji' | 'sticker' = 'emoji'): string {
  switch (lock) {
    case 'nitro':
      return kind === 'emoji' ? 'Unlock with Nitro: use custom emoji from any server, and animated emoji, everywhere.' : 'Unlock with Nitro: send stickers from any server, everywhere.';
    case 'role':
      return 'Only members with certain roles can use this emoji.';
    case 'unavailable':
      return `This ${kind} is unavailable: the server lost the Boost level that gave it a slot.`;
    default: {
      const never: never = lock;
      return String(never);
    }
  }
}

export interface CustomEmojiCandidate {
  id: string;
  name: string;
  animated: boolean;
}

/**
 * Turns `:name:` into `<:name:id>` for the custom emoji the user may use here, as Discord's client
 * does before sending (the first candidate wins a name clash: the caller lists the current
 * server's first). Code spans and existing markup are left alone.
 */
export function resolveCustomEmojiShortcodes(text: string, usable: readonly CustomEmojiCandidate[]): string {
  if (usable.length === 0 || !text.includes(':')) return text;
  const byName = new Map<string, CustomEmojiCandidate>();
  for (const e of usable) if (!byName.has(e.name)) byName.set(e.name, e);
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/(^|[^\\<a-zA-Z0-9_]):([A-Za-z0-9_]{2,32}):(?!\d{1,20}>)/g, (m, pre: string, name: string) => {
            const e = byName.get(name);
            return e ? pre + emojiMarkup(e) : m;
          }),
    )
    .join('');
}

/** An emoji name from a file name, by Discord's rules (2-32 of [A-Za-z0-9_]). */
export function emojiNameFromFile(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  const name = base.slice(0, 32);
  return name.length >= 2 ? name : `emoji_${name}`.slice(0, 32);
}
