import { ALICE, BOB, describePremiumStore, G1, G2 } from '../PremiumStore.contract.ts';
import { PostgresPremiumStore } from './PostgresPremiumStore.ts';
import { postgresStoreHarness } from './postgresStoreHarness.ts';

describePremiumStore(
  'PostgreSQL',
  postgresStoreHarness(
    (db) => new PostgresPremiumStore(db),
    // The banner and vanity code live in the users and guilds tables: the contract's user and guild rows.
    async (db) => {
      await db.execute(`INSERT INTO users (id, username, created_at) VALUES ($1, 'alice', 0), ($2, 'bob', 0)`, [ALICE, BOB]);
      await db.execute(`INSERT INTO guilds (id, name, owner_id, created_at) VALUES ($1, 'one', $3, 0), ($2, 'two', $3, 0)`, [G1, G2, ALICE]);
    },
  ),
);
