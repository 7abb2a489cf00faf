// The contract every ModerationStore adapter must meet: the audit log (append-only, paged by
// snowflake in numeric order as Discord pages it) and auto moderation rules. Written against the
// port only; run by each adapter's test file.
import { describe, expect, it } from 'vitest';
import type { AuditLogEntryRecord, AutoModRuleRecord } from './botRecords.ts';
import type { ModerationStore } from './ModerationStore.ts';
import { withStore, type OpenStoreHarness } from './StoreHarness.ts';

const GUILD = '300000000000000001';
const OTHER_GUILD = '300000000000000002';
const MOD = '100000000000000001';
const OTHER_MOD = '100000000000000002';

function entry(id: string, extra: Partial<AuditLogEntryRecord> = {}): AuditLogEntryRecord {
  return {
    id,
    guild_id: GUILD,
    user_id: MOD,
    target_id: null,
    action_type: 20,
    changes: [],
    options: null,
    reason: null,
    ...extra,
  };
}

function rule(id: string, extra: Partial<AutoModRuleRecord> = {}): AutoModRuleRecord {
  return {
    id,
    guild_id: GUILD,
    name: `rule ${id.slice(-3)}`,
    creator_id: MOD,
    event_type: 1,
    trigger_type: 1,
    trigger_metadata: { keyword_filter: ['bad*'] },
    actions: [{ type: 1 }],
    enabled: true,
    exempt_roles: [],
    exempt_channels: [],
    ...extra,
  };
}

/** Snowflake-like ids 1..n, the n-th written last. */
const auditId = (n: number) => `80000000000000${String(n).padStart(4, '0')}`;

export function describeModerationStore(name: string, open: OpenStoreHarness<ModerationStore>): void {
  const run = (body: (store: ModerationStore, reopen: () => Promise<ModerationStore>) => Promise<void>) => () =>
    withStore(open, (h) => body(h.store, () => h.reopen()));

  /** Entries 1..10 in GUILD (odd ones by MOD with action 20, even ones by OTHER_MOD with action 22) and one in OTHER_GUILD. */
  async function seedAuditLog(store: ModerationStore): Promise<void> {
    for (let n = 1; n <= 10; n++) {
      await store.insertAuditLogEntry(entry(auditId(n), n % 2 === 1 ? { user_id: MOD, action_type: 20 } : { user_id: OTHER_MOD, action_type: 22 }));
    }
    await store.insertAuditLogEntry(entry(auditId(11), { guild_id: OTHER_GUILD }));
  }
  const ns = (es: readonly AuditLogEntryRecord[]) => es.map((e) => Number(e.id.slice(-4)));

  describe(`ModerationStore contract: ${name}`, () => {
    describe('audit log', () => {
      it(
        'returns an entry field for field',
        run(async (store) => {
          const e = entry(auditId(1), {
            target_id: '100000000000000005',
            action_type: 25,
            changes: [
              { key: '$add', new_value: [{ id: '310000000000000001', name: 'mods' }] },
              { key: 'nick', old_value: 'old', new_value: null },
              { key: 'communication_disabled_until', new_value: '2024-05-14T18:32:11.000Z' },
              { key: 'deaf', old_value: false, new_value: true },
            ],
            options: { channel_id: '400000000000000001', count: '3' },
            reason: 'spamming, twice',
          });
          const bare = entry(auditId(2), { user_id: null });
          await store.insertAuditLogEntry(e);
          await store.insertAuditLogEntry(bare);
          expect(await store.listAuditLogEntries({ guildId: GUILD, limit: 10 })).toEqual([bare, e]);
        }),
      );

      it(
        'lists newest first, up to the limit, for one guild only',
        run(async (store) => {
          await seedAuditLog(store);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 3 }))).toEqual([10, 9, 8]);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 100 }))).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
          expect(ns(await store.listAuditLogEntries({ guildId: OTHER_GUILD, limit: 100 }))).toEqual([11]);
          expect(await store.listAuditLogEntries({ guildId: '300000000000000009', limit: 100 })).toEqual([]);
        }),
      );

      it(
        'orders ids numerically even when their digit counts differ',
        run(async (store) => {
          await store.insertAuditLogEntry(entry('999999999999999999', { reason: 'shorter' }));
          await store.insertAuditLogEntry(entry('1000000000000000000', { reason: 'longer' }));
          expect((await store.listAuditLogEntries({ guildId: GUILD, limit: 2 })).map((e) => e.reason)).toEqual(['longer', 'shorter']);
          expect((await store.listAuditLogEntries({ guildId: GUILD, limit: 2, before: '1000000000000000000' })).map((e) => e.reason)).toEqual(['shorter']);
          expect((await store.listAuditLogEntries({ guildId: GUILD, limit: 2, after: '999999999999999999' })).map((e) => e.reason)).toEqual(['longer']);
        }),
      );

      it(
        'pages newest first before an id, oldest first after one, and newest first between both',
        run(async (store) => {
          await seedAuditLog(store);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 3, before: auditId(6) }))).toEqual([5, 4, 3]);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 3, after: auditId(6) }))).toEqual([7, 8, 9]);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 10, after: auditId(2), before: auditId(6) }))).toEqual([5, 4, 3]);
          expect(await store.listAuditLogEntries({ guildId: GUILD, limit: 10, before: auditId(1) })).toEqual([]);
        }),
      );

      it(
        'filters by the acting user and by the action type, together with paging',
        run(async (store) => {
          await seedAuditLog(store);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 100, userId: MOD }))).toEqual([9, 7, 5, 3, 1]);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 100, actionType: 22 }))).toEqual([10, 8, 6, 4, 2]);
          expect(await store.listAuditLogEntries({ guildId: GUILD, limit: 100, userId: MOD, actionType: 22 })).toEqual([]);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 2, userId: OTHER_MOD, before: auditId(8) }))).toEqual([6, 4]);
          expect(ns(await store.listAuditLogEntries({ guildId: GUILD, limit: 100, userId: undefined, actionType: undefined }))).toHaveLength(10);
        }),
      );

      it(
        'refuses a second entry with the same id',
        run(async (store) => {
          await store.insertAuditLogEntry(entry(auditId(1)));
          await expect(store.insertAuditLogEntry(entry(auditId(1), { reason: 'again' }))).rejects.toThrow();
          expect((await store.listAuditLogEntries({ guildId: GUILD, limit: 10 })).map((e) => e.reason)).toEqual([null]);
        }),
      );
    });

    describe('auto moderation rules', () => {
      it(
        'starts with no rules',
        run(async (store) => {
          expect(await store.listAutoModRules()).toEqual([]);
        }),
      );

      it(
        'returns a rule field for field',
        run(async (store) => {
          const r = rule('900000000000000001', {
            event_type: 1,
            trigger_type: 1,
            trigger_metadata: { keyword_filter: ['cat*', '*dog'], regex_patterns: ['^b(a|e)d$'], allow_list: ['category'] },
            actions: [{ type: 1, metadata: { custom_message: 'No.' } }, { type: 2, metadata: { channel_id: '400000000000000001' } }, { type: 3, metadata: { duration_seconds: 60 } }],
            enabled: false,
            exempt_roles: ['310000000000000001'],
            exempt_channels: ['400000000000000002'],
          });
          const mentions = rule('900000000000000002', { guild_id: OTHER_GUILD, trigger_type: 5, trigger_metadata: { mention_total_limit: 5, mention_raid_protection_enabled: true } });
          await store.upsertAutoModRule(r);
          await store.upsertAutoModRule(mentions);
          const rules = [...(await store.listAutoModRules())].sort((a, b) => (a.id < b.id ? -1 : 1));
          expect(rules).toEqual([r, mentions]);
        }),
      );

      it(
        'replaces a rule by id',
        run(async (store) => {
          const r = rule('900000000000000001');
          await store.upsertAutoModRule(r);
          const changed: AutoModRuleRecord = { ...r, name: 'renamed', enabled: false, trigger_metadata: { keyword_filter: [] }, exempt_roles: ['310000000000000009'] };
          await store.upsertAutoModRule(changed);
          expect(await store.listAutoModRules()).toEqual([changed]);
        }),
      );

      it(
        'deletes one rule by id',
        run(async (store) => {
          const a = rule('900000000000000001');
          const b = rule('900000000000000002');
          await store.upsertAutoModRule(a);
          await store.upsertAutoModRule(b);
          await store.deleteAutoModRule(a.id);
          await store.deleteAutoModRule('900000000000000009');
          expect(await store.listAutoModRules()).toEqual([b]);
        }),
      );
    });

    it(
      'keeps the audit log and the rules across a reopen of the same storage',
      run(async (store, reopen) => {
        await seedAuditLog(store);
        const r = rule('900000000000000001', { trigger_metadata: { presets: [1, 2] } });
        await store.upsertAutoModRule(r);
        const before = await store.listAuditLogEntries({ guildId: GUILD, limit: 100 });
        const reopened = await reopen();
        expect(await reopened.listAuditLogEntries({ guildId: GUILD, limit: 100 })).toEqual(before);
        expect(await reopened.listAutoModRules()).toEqual([r]);
      }),
    );
  });
}
