// The contract every PremiumStore adapter must meet: grants replace each other per user, boost
// slots move between guilds and end together, the audit trail pages newest first, and banner and
// vanity codes survive a reopen. The adapter's harness provides users ALICE, BOB and guilds G1, G2.
import { describe, expect, it } from 'vitest';
import type { BoostRecord, PremiumStore } from './PremiumStore.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

export const ALICE = '100000000000000001';
export const BOB = '100000000000000002';
export const G1 = '300000000000000001';
export const G2 = '300000000000000002';

const slot = (id: string, userId: string, extra: Partial<BoostRecord> = {}): BoostRecord => ({ id, user_id: userId, guild_id: null, created_at: 1000, ended_at: null, guild_since: null, ...extra });

export function describePremiumStore(name: string, open: OpenStoreHarness<PremiumStore>): void {
  const run = (body: (store: PremiumStore, reopen: () => Promise<PremiumStore>) => Promise<void>) => () => withStore(open, (h) => body(h.store, () => h.reopen()));

  describe(`PremiumStore contract: ${name}`, () => {
    it(
      'keeps one grant per user, replaced by the next and gone after a delete, across a reopen',
      run(async (store, reopen) => {
        expect(await store.listGrants()).toEqual([]);
        await store.putGrant({ user_id: ALICE, premium_type: 1, provider: 'instance', granted_by: BOB, expires_at: null, created_at: 5 });
        await store.putGrant({ user_id: ALICE, premium_type: 2, provider: 'instance', granted_by: BOB, expires_at: 99_000, created_at: 6 });
        await store.putGrant({ user_id: BOB, premium_type: 3, provider: 'instance', granted_by: null, expires_at: null, created_at: 7 });
        const again = await reopen();
        expect(await again.listGrants()).toEqual([
          { user_id: ALICE, premium_type: 2, provider: 'instance', granted_by: BOB, expires_at: 99_000, created_at: 6 },
          { user_id: BOB, premium_type: 3, provider: 'instance', granted_by: null, expires_at: null, created_at: 7 },
        ]);
        expect(await again.deleteGrant(ALICE)).toBe(true);
        expect(await again.deleteGrant(ALICE)).toBe(false);
        expect((await again.listGrants()).map((g) => g.user_id)).toEqual([BOB]);
      }),
    );

    it(
      'applies a slot to a guild, moves it, frees it, and ends every live slot of a user at once',
      run(async (store, reopen) => {
        await store.insertBoost(slot('500000000000000001', ALICE));
        await store.insertBoost(slot('500000000000000002', ALICE));
        await store.insertBoost(slot('500000000000000003', BOB));
        expect(await store.assignBoost('500000000000000001', G1, 2000)).toBe(true);
        expect(await store.assignBoost('500000000000000002', G2, 2500)).toBe(true);
        expect(await store.assignBoost('500000000000000002', G1, 3000)).toBe(true);
        expect(await store.assignBoost('599999999999999999', G1, 3000)).toBe(false);
        const s = await reopen();
        expect(await s.listLiveBoosts()).toEqual([
          slot('500000000000000001', ALICE, { guild_id: G1, guild_since: 2000 }),
          slot('500000000000000002', ALICE, { guild_id: G1, guild_since: 3000 }),
          slot('500000000000000003', BOB),
        ]);
        const ended = await s.endBoostsOfUser(ALICE, 4000);
        expect(ended.map((b) => b.id)).toEqual(['500000000000000001', '500000000000000002']);
        expect((await s.listLiveBoosts()).map((b) => b.id)).toEqual(['500000000000000003']);
        // An ended slot cannot be applied again.
        expect(await s.assignBoost('500000000000000001', G2, 5000)).toBe(false);
        expect(await s.endBoostsOfUser(ALICE, 6000)).toEqual([]);
        expect(await s.assignBoost('500000000000000003', null, 7000)).toBe(true);
      }),
    );

    it(
      'pages the audit trail newest first with before/after kept as given',
      run(async (store, reopen) => {
        for (let i = 1; i <= 5; i++) {
          await store.appendAudit({ id: `70000000000000000${i}`, actor_id: ALICE, action: 'premium.grant', target_id: BOB, before: i === 1 ? null : { premium_type: i - 1 }, after: { premium_type: i, expires_at: null }, created_at: i });
        }
        const s = await reopen();
        const page = await s.listAudit({ limit: 2 });
        expect(page.map((e) => e.id)).toEqual(['700000000000000005', '700000000000000004']);
        expect(page[0]).toEqual({ id: '700000000000000005', actor_id: ALICE, action: 'premium.grant', target_id: BOB, before: { premium_type: 4 }, after: { premium_type: 5, expires_at: null }, created_at: 5 });
        expect((await s.listAudit({ limit: 10, before: '700000000000000002' })).map((e) => e.before)).toEqual([null]);
      }),
    );

    it(
      'keeps banners and vanity codes, and refuses a vanity code another guild holds',
      run(async (store, reopen) => {
        await store.setUserBanner(ALICE, 'a_abc');
        await store.setUserBanner(BOB, 'def');
        await store.setUserBanner(BOB, null);
        expect(await store.setVanityCode(G1, 'concord')).toBe(true);
        expect(await store.setVanityCode(G2, 'Concord')).toBe(false);
        expect(await store.setVanityCode(G1, 'concord')).toBe(true);
        const s = await reopen();
        expect(await s.listUserBanners()).toEqual([{ user_id: ALICE, banner: 'a_abc' }]);
        expect(await s.listVanityCodes()).toEqual([{ guild_id: G1, code: 'concord' }]);
        expect(await s.setVanityCode(G1, null)).toBe(true);
        expect(await s.setVanityCode(G2, 'concord')).toBe(true);
        expect(await s.listVanityCodes()).toEqual([{ guild_id: G2, code: 'concord' }]);
      }),
    );
  });
}
