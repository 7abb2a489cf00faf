// The contract every WebhookStore adapter must meet: incoming and channel-follower webhooks, kept
// whole (the token too: members with MANAGE_WEBHOOKS see it again). Written against the port only.
import { describe, expect, it } from 'vitest';
import type { WebhookRecord } from './botRecords.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';
import type { WebhookStore } from './WebhookStore.ts';

function webhook(id: string, extra: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id,
    type: 1,
    guild_id: '300000000000000001',
    channel_id: '400000000000000001',
    creator_id: '100000000000000001',
    name: `hook ${id.slice(-3)}`,
    avatar: null,
    token: `token-${id}`,
    application_id: null,
    ...extra,
  };
}

const sortedById = (ws: readonly WebhookRecord[]) => [...ws].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export function describeWebhookStore(name: string, open: OpenStoreHarness<WebhookStore>): void {
  const run = (body: (store: WebhookStore, reopen: () => Promise<WebhookStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));

  describe(`WebhookStore contract: ${name}`, () => {
    it(
      'starts with no webhooks',
      run(async (store) => {
        expect(await store.listWebhooks()).toEqual([]);
      }),
    );

    it(
      'returns incoming, follower and application webhooks field for field',
      run(async (store) => {
        const incoming = webhook('600000000000000001', { avatar: 'abcd' });
        const follower = webhook('600000000000000002', { type: 2, token: null, channel_id: '400000000000000002' });
        const app = webhook('600000000000000003', { type: 3, creator_id: null, application_id: '700000000000000001' });
        for (const w of [incoming, follower, app]) await store.upsertWebhook(w);
        expect(sortedById(await store.listWebhooks())).toEqual([incoming, follower, app]);
      }),
    );

    it(
      'replaces the channel, name, avatar and token of a webhook by id',
      run(async (store) => {
        const w = webhook('600000000000000001');
        await store.upsertWebhook(w);
        const changed: WebhookRecord = { ...w, channel_id: '400000000000000009', name: 'renamed', avatar: 'beef', token: 'regenerated' };
        await store.upsertWebhook(changed);
        expect(await store.listWebhooks()).toEqual([changed]);
      }),
    );

    it(
      'deletes one webhook by id, and ignores an unknown id',
      run(async (store) => {
        const a = webhook('600000000000000001');
        const b = webhook('600000000000000002');
        await store.upsertWebhook(a);
        await store.upsertWebhook(b);
        await store.deleteWebhook(a.id);
        await store.deleteWebhook('600000000000000009');
        expect(await store.listWebhooks()).toEqual([b]);
      }),
    );

    it(
      'keeps webhooks, tokens included, across a reopen of the same storage',
      run(async (store, reopen) => {
        const ws = [webhook('600000000000000001'), webhook('600000000000000002', { type: 2, token: null })];
        for (const w of ws) await store.upsertWebhook(w);
        const reopened = await reopen();
        expect(sortedById(await reopened.listWebhooks())).toEqual(ws);
      }),
    );
  });
}
