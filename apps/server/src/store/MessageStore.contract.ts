// The contract every MessageStore adapter must meet (SQLite today, Cassandra next): one suite, run
// by each adapter's test file with a harness for fresh storage (see StoreHarness.ts).
import { describe, expect, it } from 'vitest';
import { SnowflakeGenerator } from '@concord/protocol';
import type { MessageStore } from './MessageStore.ts';
import type { MessageRecord } from './records.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

export function describeMessageStore(name: string, open: OpenStoreHarness<MessageStore>): void {
  const run = (body: (store: MessageStore, reopen: () => Promise<MessageStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));
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
    it('returns what was inserted, field for field', run(async (store) => {
      const m = message('200000000000000001', 'hello', { mentions: ['1'], embeds: [{ title: 't' }], reference: { message_id: '5', channel_id: '200000000000000001' }, nonce: 'abc' });
      await store.insert(m);
      expect(await store.get(m.channel_id, m.id)).toEqual(m);
      expect(await store.get('200000000000000002', m.id)).toBeNull();
    }));

    it('pages newest first with before, after and around, by numeric id order', run(async (store) => {
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
    }));

    it('orders ids numerically even when their digit counts differ', run(async (store) => {
      const ch = '200000000000000008';
      await store.insert(message(ch, 'shorter id', { id: '999999999999999999' }));
      await store.insert(message(ch, 'longer id', { id: '1000000000000000000' }));
      expect((await store.list(ch, { limit: 2 })).map((m) => m.content)).toEqual(['longer id', 'shorter id']);
      expect((await store.list(ch, { limit: 2, before: '1000000000000000000' })).map((m) => m.content)).toEqual(['shorter id']);
    }));

    it('updates, pins, deletes and counts reactions per emoji with "me" for the viewer', run(async (store) => {
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
    }));

    it('deletes one author\'s recent messages across channels (ban with message deletion)', run(async (store) => {
      const old = message('200000000000000006', 'old', { author_id: 'bad' });
      await store.insert(old);
      const since = ids.next();
      const recent = [message('200000000000000006', 'a', { author_id: 'bad' }), message('200000000000000007', 'b', { author_id: 'bad' }), message('200000000000000007', 'keep', { author_id: 'good' })];
      for (const m of recent) await store.insert(m);
      const deleted = await store.deleteByAuthorSince(['200000000000000006', '200000000000000007'], 'bad', since);
      expect(deleted.flatMap((d) => d.ids).sort()).toEqual([recent[0]!.id, recent[1]!.id].sort());
      expect(await store.get('200000000000000006', old.id)).not.toBeNull();
      expect(await store.get('200000000000000007', recent[2]!.id)).not.toBeNull();
    }));

    it('returns null for an unknown message and an empty page for an empty channel', run(async (store) => {
      const m = message('200000000000000010', 'only one');
      await store.insert(m);
      expect(await store.get(m.channel_id, '1')).toBeNull();
      expect(await store.list('200000000000000011', { limit: 50 })).toEqual([]);
      expect(await store.list(m.channel_id, { limit: 50, before: m.id })).toEqual([]);
      expect(await store.list(m.channel_id, { limit: 50, after: m.id })).toEqual([]);
    }));

    it('gets many messages of one channel, skipping unknown ids and other channels\' messages', run(async (store) => {
      const ch = '200000000000000012';
      const a = message(ch, 'a');
      const b = message(ch, 'b');
      const elsewhere = message('200000000000000013', 'elsewhere');
      for (const m of [a, b, elsewhere]) await store.insert(m);
      const found = await store.getMany(ch, [b.id, '1', elsewhere.id, a.id]);
      expect(found.map((m) => m.content).sort()).toEqual(['a', 'b']);
      expect(found.find((m) => m.id === a.id)).toEqual(a);
      expect(await store.getMany(ch, [])).toEqual([]);
    }));

    it('pages from the oldest messages when `after` or `around` reaches the start of the channel', run(async (store) => {
      const ch = '200000000000000014';
      const all = Array.from({ length: 6 }, (_, i) => message(ch, `m${i}`));
      for (const m of all) await store.insert(m);
      // The window right after the id, returned newest first like every page.
      expect((await store.list(ch, { limit: 2, after: '1' })).map((m) => m.content)).toEqual(['m1', 'm0']);
      expect((await store.list(ch, { limit: 3, around: all[0]?.id ?? '1' })).map((m) => m.content)).toEqual(['m2', 'm1', 'm0']);
    }));

    it('lists pinned messages of one channel, the most recently pinned first', run(async (store) => {
      const ch = '200000000000000015';
      const first = message(ch, 'pinned first', { pinned: true, pinned_at: 1000 });
      const second = message(ch, 'pinned second', { pinned: true, pinned_at: 2000 });
      const unpinned = message(ch, 'not pinned');
      const elsewhere = message('200000000000000016', 'pinned elsewhere', { pinned: true, pinned_at: 3000 });
      for (const m of [second, first, unpinned, elsewhere]) await store.insert(m);
      expect((await store.listPinned(ch)).map((m) => m.content)).toEqual(['pinned second', 'pinned first']);
      await store.update({ ...second, pinned: false, pinned_at: null });
      expect((await store.listPinned(ch)).map((m) => m.content)).toEqual(['pinned first']);
    }));

    it('pages the users of one reaction after a user id, in numeric id order, up to the limit', run(async (store) => {
      const ch = '200000000000000017';
      const m = message(ch, 'popular');
      await store.insert(m);
      const users = ['100000000000000009', '100000000000000010', '99000000000000000', '100000000000000001'];
      for (const u of users) await store.addReaction(ch, m.id, '🔥', u);
      await store.addReaction(ch, m.id, '👍', '100000000000000002');
      expect(await store.reactionUsers(ch, m.id, '🔥', 2, '99000000000000000')).toEqual(['100000000000000001', '100000000000000009']);
      expect(await store.reactionUsers(ch, m.id, '🔥', 10, '100000000000000009')).toEqual(['100000000000000010']);
      expect(await store.reactionUsers(ch, m.id, '🔥', 10, '100000000000000010')).toEqual([]);
      expect((await store.reactionUsers(ch, m.id, '🔥', 100)).sort()).toEqual([...users].sort());
      expect(await store.reactionUsers(ch, m.id, '😀', 100)).toEqual([]);
    }));

    it('removes every reaction of a message when no emoji is given, and no other message\'s', run(async (store) => {
      const ch = '200000000000000018';
      const a = message(ch, 'a');
      const b = message(ch, 'b');
      await store.insert(a);
      await store.insert(b);
      for (const [id, emoji] of [[a.id, '🔥'], [a.id, '👍'], [b.id, '🔥']] as const) await store.addReaction(ch, id, emoji, 'u1');
      await store.removeAllReactions(ch, a.id);
      const summaries = await store.reactionSummaries(ch, [a.id, b.id], 'u1');
      expect(summaries.get(a.id)).toBeUndefined();
      expect(summaries.get(b.id)).toEqual([{ emoji: '🔥', count: 1, me: true }]);
      expect(await store.countReactionEmojis(ch, a.id)).toBe(0);
      expect(await store.removeReaction(ch, a.id, '🔥', 'u1')).toBe(false);
    }));

    it('deletes a channel\'s messages and their reactions, and nothing of another channel', run(async (store) => {
      const doomed = message('200000000000000019', 'doomed');
      const kept = message('200000000000000020', 'kept');
      for (const m of [doomed, kept]) {
        await store.insert(m);
        await store.addReaction(m.channel_id, m.id, '🔥', 'u1');
      }
      await store.deleteChannel(doomed.channel_id);
      expect(await store.list(doomed.channel_id, { limit: 50 })).toEqual([]);
      expect(await store.get(doomed.channel_id, doomed.id)).toBeNull();
      expect((await store.reactionSummaries(doomed.channel_id, [doomed.id], 'u1')).size).toBe(0);
      expect(await store.get(kept.channel_id, kept.id)).toEqual(kept);
      expect((await store.reactionSummaries(kept.channel_id, [kept.id], 'u1')).get(kept.id)).toEqual([{ emoji: '🔥', count: 1, me: true }]);
    }));

    it('keeps messages, edits, pins and reactions across a reopen of the same storage', run(async (store, reopen) => {
      const ch = '200000000000000021';
      const a = message(ch, 'first', { attachments: [{ id: '1', filename: 'a.png', size: 3, content_type: 'image/png', sha256: 'ab'.repeat(32), width: 1, height: 1 }] });
      const b = message(ch, 'second');
      await store.insert(a);
      await store.insert(b);
      const edited: MessageRecord = { ...b, content: 'second, edited', edited_at: 5, pinned: true, pinned_at: 6 };
      await store.update(edited);
      await store.addReaction(ch, a.id, '🔥', 'u1');
      const reopened = await reopen();
      expect(await reopened.list(ch, { limit: 10 })).toEqual([edited, a]);
      expect((await reopened.listPinned(ch)).map((m) => m.id)).toEqual([b.id]);
      expect((await reopened.reactionSummaries(ch, [a.id], 'u1')).get(a.id)).toEqual([{ emoji: '🔥', count: 1, me: true }]);
      expect(await reopened.addReaction(ch, a.id, '🔥', 'u1')).toBe(false);
    }));
  });
}
