import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePremiumStore } from '../PremiumStore.contract.ts';
import { openSqlite } from './SqliteDatabase.ts';
import { SqliteMetadataStore } from './SqliteMetadataStore.ts';
import { SqlitePremiumStore } from './SqlitePremiumStore.ts';
import { sqliteStoreHarness } from './sqliteStoreHarness.ts';

describePremiumStore(
  'SQLite',
  sqliteStoreHarness((db) => {
    // The banner and vanity code live in the users and guilds tables: the contract's user and guild rows.
    db.prepare(`INSERT OR IGNORE INTO users (id, username, created_at) VALUES ('100000000000000001', 'alice', 0), ('100000000000000002', 'bob', 0)`).run();
    db.prepare(`INSERT OR IGNORE INTO guilds (id, name, owner_id, created_at) VALUES ('300000000000000001', 'one', '100000000000000001', 0), ('300000000000000002', 'two', '100000000000000001', 0)`).run();
    return new SqlitePremiumStore(db);
  }),
);

describe('SQLite metadata and premium stores on one file', () => {
  it('keeps a guild\'s vanity code when the metadata store updates the guild row (an upsert, not a replace)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-vanity-'));
    try {
      const db = openSqlite(dir);
      db.prepare(`INSERT INTO users (id, username, created_at) VALUES ('100000000000000001', 'alice', 0)`).run();
      db.prepare(`INSERT INTO guilds (id, name, owner_id, created_at) VALUES ('300000000000000001', 'one', '100000000000000001', 0)`).run();
      const premium = new SqlitePremiumStore(db);
      const meta = new SqliteMetadataStore(db);
      expect(await premium.setVanityCode('300000000000000001', 'raid-night')).toBe(true);
      const [row] = (await meta.loadSnapshot()).guilds.filter((g) => g.id === '300000000000000001');
      await meta.updateGuild({ ...row!, name: 'renamed' });
      expect(await premium.listVanityCodes()).toEqual([{ guild_id: '300000000000000001', code: 'raid-night' }]);
      expect((await meta.loadSnapshot()).guilds.find((g) => g.id === '300000000000000001')?.name).toBe('renamed');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
