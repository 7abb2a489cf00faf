import { describePremiumStore } from '../PremiumStore.contract.ts';
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
