// The contract every ExpressionStore adapter must meet: emoji and sticker records kept whole (roles,
// creator, file hash), replaced by id, deleted one by one or per guild, and kept across a reopen.
import { describe, expect, it } from 'vitest';
import type { EmojiRecord, ExpressionStore, StickerRecord } from './ExpressionStore.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

const GUILD = '300000000000000001';
const OTHER_GUILD = '300000000000000002';

function emoji(id: string, extra: Partial<EmojiRecord> = {}): EmojiRecord {
  return {
    id,
    guild_id: GUILD,
    name: `emoji_${id.slice(-3)}`,
    animated: false,
    available: true,
    roles: [],
    user_id: '100000000000000001',
    created_at: 1_700_000_000_000,
    image_sha256: 'a'.repeat(64),
    image_type: 'image/png',
    ...extra,
  };
}

function sticker(id: string, extra: Partial<StickerRecord> = {}): StickerRecord {
  return {
    id,
    guild_id: GUILD,
    name: `sticker ${id.slice(-3)}`,
    description: 'a wave',
    tags: 'wave',
    format_type: 1,
    available: true,
    user_id: '100000000000000001',
    created_at: 1_700_000_000_000,
    file_sha256: 'b'.repeat(64),
    ...extra,
  };
}

const byId = <T extends { id: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export function describeExpressionStore(name: string, open: OpenStoreHarness<ExpressionStore>): void {
  const run = (body: (store: ExpressionStore, reopen: () => Promise<ExpressionStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));

  describe(`ExpressionStore contract: ${name}`, () => {
    it(
      'starts with no emoji and no stickers',
      run(async (store) => {
        expect(await store.listEmojis()).toEqual([]);
        expect(await store.listStickers()).toEqual([]);
      }),
    );

    it(
      'returns static, animated and role-restricted emoji field for field',
      run(async (store) => {
        const plain = emoji('500000000000000001');
        const animated = emoji('500000000000000002', { animated: true, image_type: 'image/gif', image_sha256: 'c'.repeat(64) });
        const restricted = emoji('500000000000000003', { roles: ['200000000000000001', '200000000000000002'], user_id: null, available: false });
        for (const e of [plain, animated, restricted]) await store.upsertEmoji(e);
        expect(byId(await store.listEmojis())).toEqual([plain, animated, restricted]);
      }),
    );

    it(
      'replaces the name, roles and availability of an emoji by id',
      run(async (store) => {
        const e = emoji('500000000000000001');
        await store.upsertEmoji(e);
        const renamed: EmojiRecord = { ...e, name: 'renamed', roles: ['200000000000000009'], available: false };
        await store.upsertEmoji(renamed);
        expect(await store.listEmojis()).toEqual([renamed]);
      }),
    );

    it(
      'returns PNG, GIF and Lottie stickers field for field, a null description included',
      run(async (store) => {
        const png = sticker('600000000000000001');
        const gif = sticker('600000000000000002', { format_type: 4, description: null, tags: 'party,dance' });
        const lottie = sticker('600000000000000003', { format_type: 3, user_id: null });
        for (const s of [png, gif, lottie]) await store.upsertSticker(s);
        expect(byId(await store.listStickers())).toEqual([png, gif, lottie]);
        const edited: StickerRecord = { ...png, name: 'edited', description: null, tags: 'new' };
        await store.upsertSticker(edited);
        expect(byId(await store.listStickers())).toEqual([edited, gif, lottie]);
      }),
    );

    it(
      'deletes one emoji or sticker by id, and ignores unknown ids',
      run(async (store) => {
        await store.upsertEmoji(emoji('500000000000000001'));
        await store.upsertEmoji(emoji('500000000000000002'));
        await store.upsertSticker(sticker('600000000000000001'));
        await store.deleteEmoji('500000000000000001');
        await store.deleteEmoji('500000000000000009');
        await store.deleteSticker('600000000000000001');
        await store.deleteSticker('600000000000000009');
        expect((await store.listEmojis()).map((e) => e.id)).toEqual(['500000000000000002']);
        expect(await store.listStickers()).toEqual([]);
      }),
    );

    it(
      "removes one guild's emoji and stickers and keeps another's",
      run(async (store) => {
        await store.upsertEmoji(emoji('500000000000000001'));
        await store.upsertEmoji(emoji('500000000000000002', { guild_id: OTHER_GUILD }));
        await store.upsertSticker(sticker('600000000000000001'));
        await store.upsertSticker(sticker('600000000000000002', { guild_id: OTHER_GUILD }));
        await store.deleteGuildExpressions(GUILD);
        expect((await store.listEmojis()).map((e) => e.guild_id)).toEqual([OTHER_GUILD]);
        expect((await store.listStickers()).map((s) => s.guild_id)).toEqual([OTHER_GUILD]);
      }),
    );

    it(
      'keeps emoji and stickers across a reopen of the same storage',
      run(async (store, reopen) => {
        const es = [emoji('500000000000000001'), emoji('500000000000000002', { animated: true, roles: ['200000000000000001'] })];
        const ss = [sticker('600000000000000001', { format_type: 2 })];
        for (const e of es) await store.upsertEmoji(e);
        for (const s of ss) await store.upsertSticker(s);
        const reopened = await reopen();
        expect(byId(await reopened.listEmojis())).toEqual(es);
        expect(await reopened.listStickers()).toEqual(ss);
      }),
    );
  });
}
