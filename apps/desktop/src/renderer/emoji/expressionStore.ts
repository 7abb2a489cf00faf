// Each guild's custom emoji and stickers, decoded once when they arrive (READY / GUILD_CREATE's
// guild object, GUILD_EMOJIS_UPDATE, GUILD_STICKERS_UPDATE, and the REST answers of the settings
// pages). Written by the session's dispatch and the settings pages; read by the picker, the
// Markdown renderer, autocomplete and Server Settings.
import { create } from 'zustand';
import { withoutKey } from '../state/records.ts';
import { countDecodeFailure } from '../session/decoders.ts';
import {
  GuildEmojiSchema,
  GuildEmojisUpdateSchema,
  GuildStickerSchema,
  GuildStickersUpdateSchema,
  decodeList,
  type GuildEmoji,
  type GuildSticker,
} from './expressions.ts';

export interface ExpressionStore {
  emojis: Record<string, GuildEmoji[]>;
  stickers: Record<string, GuildSticker[]>;
  setEmojis(guildId: string, emojis: GuildEmoji[]): void;
  setStickers(guildId: string, stickers: GuildSticker[]): void;
  removeGuild(guildId: string): void;
  reset(): void;
}

export const useExpressionStore = create<ExpressionStore>()((set) => ({
  emojis: {},
  stickers: {},
  setEmojis: (guildId, emojis) => set((s) => ({ emojis: { ...s.emojis, [guildId]: emojis } })),
  setStickers: (guildId, stickers) => set((s) => ({ stickers: { ...s.stickers, [guildId]: stickers } })),
  removeGuild: (guildId) => set((s) => ({ emojis: withoutKey(s.emojis, guildId), stickers: withoutKey(s.stickers, guildId) })),
  reset: () => set({ emojis: {}, stickers: {} }),
}));

function decodeEmojis(raw: unknown, where: string): GuildEmoji[] {
  const { items, dropped } = decodeList(GuildEmojiSchema, raw);
  if (dropped > 0) countDecodeFailure(where, raw);
  return items;
}

function decodeStickers(raw: unknown, where: string): GuildSticker[] {
  const { items, dropped } = decodeList(GuildStickerSchema, raw);
  if (dropped > 0) countDecodeFailure(where, raw);
  return items;
}

/** A guild object from READY or GUILD_CREATE: its `emojis` and `stickers` replace what we had. */
export function loadGuildExpressions(guild: { id: string; emojis?: unknown; stickers?: unknown }): void {
  const store = useExpressionStore.getState();
  store.setEmojis(guild.id, decodeEmojis(guild.emojis ?? [], 'guild.emojis'));
  store.setStickers(guild.id, decodeStickers(guild.stickers ?? [], 'guild.stickers'));
}

/** GUILD_EMOJIS_UPDATE / GUILD_STICKERS_UPDATE carry the guild's whole list. */
export function applyExpressionEvent(t: 'GUILD_EMOJIS_UPDATE' | 'GUILD_STICKERS_UPDATE', d: unknown): void {
  if (t === 'GUILD_EMOJIS_UPDATE') {
    const ev = GuildEmojisUpdateSchema.safeParse(d);
    if (!ev.success) return countDecodeFailure(t, d);
    useExpressionStore.getState().setEmojis(ev.data.guild_id, decodeEmojis(ev.data.emojis, t));
  } else {
    const ev = GuildStickersUpdateSchema.safeParse(d);
    if (!ev.success) return countDecodeFailure(t, d);
    useExpressionStore.getState().setStickers(ev.data.guild_id, decodeStickers(ev.data.stickers, t));
  }
}

/** Replaces the entry with the same id, or appends it. */
function withUpserted<T extends { id: string }>(list: readonly T[], item: T): T[] {
  return list.some((e) => e.id === item.id) ? list.map((e) => (e.id === item.id ? item : e)) : [...list, item];
}

/** A REST answer with one emoji (create / modify), merged so the page does not wait for the event. */
export function upsertEmoji(guildId: string, raw: unknown): GuildEmoji | null {
  const r = GuildEmojiSchema.safeParse(raw);
  if (!r.success) {
    countDecodeFailure('emoji', raw);
    return null;
  }
  const store = useExpressionStore.getState();
  store.setEmojis(guildId, withUpserted(store.emojis[guildId] ?? [], r.data));
  return r.data;
}

export function upsertSticker(guildId: string, raw: unknown): GuildSticker | null {
  const r = GuildStickerSchema.safeParse(raw);
  if (!r.success) {
    countDecodeFailure('sticker', raw);
    return null;
  }
  const store = useExpressionStore.getState();
  store.setStickers(guildId, withUpserted(store.stickers[guildId] ?? [], r.data));
  return r.data;
}

/** Finds a custom emoji in any known guild (for reactions and messages that name it by id). */
export function findEmoji(id: string): { guildId: string; emoji: GuildEmoji } | null {
  for (const [guildId, list] of Object.entries(useExpressionStore.getState().emojis)) {
    const emoji = list.find((e) => e.id === id);
    if (emoji) return { guildId, emoji };
  }
  return null;
}
