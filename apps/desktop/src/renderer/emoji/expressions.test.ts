import { beforeEach, describe, expect, it } from 'vitest';
import { PremiumType } from '@concord/protocol';
import { decodeList, emojiLock, emojiNameFromFile, GuildEmojiSchema, resolveCustomEmojiShortcodes, stickerLock } from './expressions.ts';
import { applyExpressionEvent, loadGuildExpressions, useExpressionStore } from './expressionStore.ts';
import { placeEmoji } from './usableEmoji.ts';
import { customEmojiSuggestions } from './emojiSuggestions.ts';
import { MAX_RECENT, pushRecent, type RecentEmoji } from './recentEmoji.ts';
import { unicodeCategories } from './unicodeCategories.ts';
import { EMOJI } from '../chat/emoji.ts';
import { decodeFailures } from '../session/decoders.ts';

const emoji = (id: string, name: string, extra: Partial<{ animated: boolean; available: boolean; roles: string[] }> = {}) => ({ id, name, animated: false, available: true, roles: [], ...extra });
const none = { premiumType: PremiumType.NONE, memberRoles: [] as string[] };

describe('emojiLock (Discord rules)', () => {
  it('lets anyone use a static emoji of the server they write in', () => {
    expect(emojiLock(emoji('1', 'pog'), '10', { currentGuildId: '10', ...none })).toBeNull();
  });
  it('locks another server’s emoji, an animated one and any custom emoji in DMs without Nitro', () => {
    expect(emojiLock(emoji('1', 'pog'), '10', { currentGuildId: '20', ...none })).toBe('nitro');
    expect(emojiLock(emoji('1', 'pog', { animated: true }), '10', { currentGuildId: '10', ...none })).toBe('nitro');
    expect(emojiLock(emoji('1', 'pog'), '10', { currentGuildId: null, ...none })).toBe('nitro');
  });
  it('unlocks them with Nitro, Classic and Basic', () => {
    for (const premiumType of [PremiumType.NITRO, PremiumType.NITRO_CLASSIC, PremiumType.NITRO_BASIC]) {
      expect(emojiLock(emoji('1', 'pog', { animated: true }), '10', { currentGuildId: null, premiumType, memberRoles: [] })).toBeNull();
    }
  });
  it('locks a role-restricted emoji for members without one of its roles, Nitro or not', () => {
    const e = emoji('1', 'mods', { roles: ['77'] });
    expect(emojiLock(e, '10', { currentGuildId: '10', premiumType: PremiumType.NITRO, memberRoles: ['5'] })).toBe('role');
    expect(emojiLock(e, '10', { currentGuildId: '10', premiumType: PremiumType.NONE, memberRoles: ['77'] })).toBeNull();
  });
  it('locks an unavailable emoji for everyone', () => {
    expect(emojiLock(emoji('1', 'x', { available: false }), '10', { currentGuildId: '10', premiumType: PremiumType.NITRO, memberRoles: [] })).toBe('unavailable');
  });
  it('locks another server’s sticker without Nitro only', () => {
    expect(stickerLock({ available: true }, '10', { currentGuildId: '20', premiumType: 0 })).toBe('nitro');
    expect(stickerLock({ available: true }, '10', { currentGuildId: '20', premiumType: 2 })).toBeNull();
    expect(stickerLock({ available: true }, '10', { currentGuildId: '10', premiumType: 0 })).toBeNull();
  });
});

describe('resolveCustomEmojiShortcodes', () => {
  const usable = [
    { id: '111', name: 'pog', animated: false },
    { id: '222', name: 'party', animated: true },
    { id: '333', name: 'pog', animated: false },
  ];
  it('turns :name: into markup, the first candidate winning a clash', () => {
    expect(resolveCustomEmojiShortcodes('gg :pog: and :party:!', usable)).toBe('gg <:pog:111> and <a:party:222>!');
  });
  it('leaves unknown names, existing markup, escaped and code text alone', () => {
    expect(resolveCustomEmojiShortcodes('<:pog:111> \\:pog: `:pog:` :nope: ```\n:pog:\n```', usable)).toBe('<:pog:111> \\:pog: `:pog:` :nope: ```\n:pog:\n```');
  });
  it('does nothing without usable emoji', () => {
    expect(resolveCustomEmojiShortcodes(':pog:', [])).toBe(':pog:');
  });
});

describe('decoders', () => {
  it('keeps the emoji that decode and counts the list when one does not', () => {
    const { items, dropped } = decodeList(GuildEmojiSchema, [emoji('1', 'ok'), { id: 'x', name: 'bad' }, 'junk', { id: '2', name: 'fine', roles: ['nope'] }]);
    expect(items.map((e) => e.id)).toEqual(['1']);
    expect(dropped).toBe(3);
  });
  it('fills Discord’s defaults for missing optional fields', () => {
    expect(GuildEmojiSchema.parse({ id: '5', name: 'min' })).toMatchObject({ animated: false, available: true, roles: [] });
  });
});

describe('expression store', () => {
  beforeEach(() => useExpressionStore.getState().reset());
  it('loads a guild object and replaces the list on GUILD_EMOJIS_UPDATE', () => {
    loadGuildExpressions({ id: '10', emojis: [emoji('1', 'a1')], stickers: [{ id: '9', name: 'wave', format_type: 1 }] });
    expect(useExpressionStore.getState().emojis['10']?.map((e) => e.name)).toEqual(['a1']);
    expect(useExpressionStore.getState().stickers['10']?.map((s) => s.name)).toEqual(['wave']);
    applyExpressionEvent('GUILD_EMOJIS_UPDATE', { guild_id: '10', emojis: [emoji('2', 'b2'), emoji('3', 'c3')] });
    expect(useExpressionStore.getState().emojis['10']?.map((e) => e.name)).toEqual(['b2', 'c3']);
  });
  it('drops and counts a malformed GUILD_STICKERS_UPDATE without touching the store', () => {
    loadGuildExpressions({ id: '10', stickers: [{ id: '9', name: 'wave', format_type: 1 }] });
    const before = decodeFailures.get('GUILD_STICKERS_UPDATE') ?? 0;
    applyExpressionEvent('GUILD_STICKERS_UPDATE', { guild_id: 'general', stickers: [] });
    expect(decodeFailures.get('GUILD_STICKERS_UPDATE')).toBe(before + 1);
    expect(useExpressionStore.getState().stickers['10']).toHaveLength(1);
  });
});

describe('placeEmoji and suggestions', () => {
  const inputs = {
    emojis: { '10': [emoji('1', 'pog')], '20': [emoji('2', 'pogchamp'), emoji('3', 'poggers', { animated: true })] },
    guildOrder: ['10', '20'],
    selfRoles: () => [],
    premiumType: 0,
  };
  it('lists the current server first and locks the others without Nitro', () => {
    const placed = placeEmoji('20', inputs);
    expect(placed.map((p) => [p.emoji.name, p.lock])).toEqual([['pogchamp', null], ['poggers', 'nitro'], ['pog', 'nitro']]);
  });
  it('suggests only usable emoji, prefix matches first', () => {
    const placed = placeEmoji('20', { ...inputs, premiumType: 2 });
    expect(customEmojiSuggestions(placed, 'og', (g) => `g${g}`).map((s) => s.name)).toEqual(['pogchamp', 'poggers', 'pog']);
    expect(customEmojiSuggestions(placeEmoji('20', inputs), 'pog', (g) => `g${g}`)).toEqual([{ id: '2', name: 'pogchamp', animated: false, hint: 'g20' }]);
  });
});

describe('recent emoji and categories', () => {
  it('puts the newest first without duplicates and caps the list', () => {
    let list: RecentEmoji[] = [];
    for (let i = 0; i < MAX_RECENT + 5; i++) list = pushRecent(list, { kind: 'custom', id: String(100 + i), name: `e${i}`, animated: false });
    list = pushRecent(list, { kind: 'custom', id: '120', name: 'e20', animated: false });
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toMatchObject({ id: '120' });
    expect(list.filter((e) => e.kind === 'custom' && e.id === '120')).toHaveLength(1);
  });
  it('places every built-in emoji in exactly one category', () => {
    const placed = unicodeCategories().flatMap((c) => c.emoji.map(([n]) => n));
    expect(placed.sort()).toEqual(EMOJI.map(([n]) => n).sort());
  });
  it('names emoji from files by Discord’s rules', () => {
    expect(emojiNameFromFile('party parrot!.gif')).toBe('party_parrot');
    expect(emojiNameFromFile('x.png')).toBe('emoji_x');
    expect(emojiNameFromFile(`${'a'.repeat(40)}.png`)).toHaveLength(32);
  });
});
