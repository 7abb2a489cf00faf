// The contract every MessageStore adapter must meet (SQLite today, Cassandra next): one suite, run
// by each adapter's test file with a factory for a fresh store.
import { describe, expect, it } from 'vitest';
import { SnowflakeGenerator } from '@concord/protocol';
import type { MessageStore } from './MessageStore.ts';
import type { MessageRecord } from './records.ts';

export function describeMessageStore(name: string, create: () => Promise<{ store: MessageStore; dispose(): Promise<void> }>): void {
  const ids = new SnowflakeGenerator(1, 1);
  const message = (channelId: string, content: string, extra: Partial<MessageRecord> = {}): MessageRecord => ({
    id: ids.next(),
    channel_id: channelId,
    guild_id: null,
    author_id: '100000000000000001',
    type: 0,
    content,
    edited_at: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    pinned_at: null,
    flags: 0,
    reference: null,
    webhook_id: null,
    application_id: null,
    nonce: null,
    author_override: null,
    interaction: null,
    ...extra,
  });

  describe(`MessageStore contract: ${name}`, () => {
    it('returns what was inserted, field for field', async () => {
      const { store, dispose } = await create();
      const m = message('200000000000000001', 'hello', { mentions: ['1'], embeds: [{ title: 't' }], reference: { message_id: '5', channel_id: '200000000000000001' }, nonce: 'abc' });
      await store.insert(m);
      expect(await store.get(m.channel_id, m.id)).toEqual(m);
      expect(await store.get('200000000000000002', m.id)).toBeNull();
      await dispose();
    });

    it('pages newest first with before, after and around, by numeric id order', async () => {
      const { store, dispose } = await create();
      const ch = '200000000000000003';
      const all: MessageRecord[] = [];
      for (let i = 0; i < 25; i++) {
        const m = message(ch, `m${i}`);
        all.push(m);
        await store.insert(m);
      }
      await store.insert(message('200000000000000004', 'other channel'));
      const contents = (ms: MessageRecord[]) => ms.map((m) => m.content);
      expect(contents(await store.list(ch, { limit: 3 }))).toEqual(['m24', 'm23', 'm22']);
      expect(contents(await store.list(ch, { limit: 3, before: all[5]!.id }))).toEqual(['m4', 'm3', 'm2']);
      expect(contents(await store.list(ch, { limit: 3, after: all[5]!.id }))).toEqual(['m8', 'm7', 'm6']);
      expect(contents(await store.list(ch, { limit: 4, around: all[10]!.id }))).toEqual(['m12', 'm11', 'm10', 'm9']);
      expect((await store.list(ch, { limit: 100 })).length).toBe(25);
      await dispose();
    });

    it('orders ids numerically even when their digit counts differ', async () => {
      const { store, dispose } = await create();
      const ch = '200000000000000008';
      await store.insert(message(ch, 'shorter id', { id: '999999999999999999' }));
      await store.insert(message(ch, 'longer id', { id: '1000000000000000000' }));
      expect((await store.list(ch, { limit: 2 })).map((m) => m.content)).toEqual(['longer id', 'shorter id']);
      expect((await store.list(ch, { limit: 2, before: '1000000000000000000' })).map((m) => m.content)).toEqual(['shorter id']);
      await dispose();
    });

    it('updates, pins, deletes and counts reactions per emoji with "me" for the viewer', async () => {
      const { store, dispose } = await create();
      const ch = '200000000000000005';
      const m = message(ch, 'react to me');
      await store.insert(m);
      await store.update({ ...m, content: 'edited', edited_at: 1, pinned: true, pinned_at: 2 });
      expect(await store.get(ch, m.id)).toMatchObject({ content: 'edited', pinned: true });
      expect((await store.listPinned(ch)).map((x) => x.id)).toEqual([m.id]);
      expect(await store.addReaction(ch, m.id, '🔥', 'u1')).toBe(true);
      expect(await store.addReaction(ch, m.id, '🔥', 'u1')).toBe(false);
      await store.addReaction(ch, m.id, '🔥', 'u2');
      await store.addReaction(ch, m.id, '👍', 'u2');
      const summary = (await store.reactionSummaries(ch, [m.id], 'u1')).get(m.id);
      expect(summary).toEqual([
        { emoji: '🔥', count: 2, me: true },
        { emoji: '👍', count: 1, me: false },
      ]);
      expect(await store.countReactionEmojis(ch, m.id)).toBe(2);
      expect(await store.reactionUsers(ch, m.id, '🔥', 10)).toEqual(['u1', 'u2']);
      expect(await store.removeReaction(ch, m.id, '🔥', 'u1')).toBe(true);
      await store.removeAllReactions(ch, m.id, '👍');
      expect((await store.reactionSummaries(ch, [m.id], 'u1')).get(m.id)).toEqual([{ emoji: '🔥', count: 1, me: false }]);
      expect(await store.delete(ch, [m.id, '1'])).toBe(1);
      expect(await store.get(ch, m.id)).toBeNull();
      expect((await store.reactionSummaries(ch, [m.id], 'u2')).get(m.id)).toBeUndefined();
      await dispose();
    });

    it('deletes one author\'s recent messages across channels (ban with message deletion)', async () => {
      const { store, dispose } = await create();
      const old = message('200000000000000006', 'old', { author_id: 'bad' });
      await store.insert(old);
      const since = ids.next();
      const recent = [message('200000000000000006', 'a', { author_id: 'bad' }), message('200000000000000007', 'b', { author_id: 'bad' }), message('200000000000000007', 'keep', { author_id: 'good' })];
      for (const m of recent) await store.insert(m);
      const deleted = await store.deleteByAuthorSince(['200000000000000006', '200000000000000007'], 'bad', since);
      expect(deleted.flatMap((d) => d.ids).sort()).toEqual([recent[0]!.id, recent[1]!.id].sort());
      expect(await store.get('200000000000000006', old.id)).not.toBeNull();
      expect(await store.get('200000000000000007', recent[2]!.id)).not.toBeNull();
      await dispose();
    });
  });
}
