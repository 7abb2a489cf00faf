// Test support: a SQLite store on a temp directory for the store contract suites. `reopen` closes
// the database file and opens it again, as a restarted server would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OpenStoreHarness, StoreHarness } from '../StoreHarness.ts';
import { openSqlite, type SqliteDb } from './SqliteDatabase.ts';

export function sqliteStoreHarness<Store>(makeStore: (db: SqliteDb) => Store): OpenStoreHarness<Store> {
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-store-'));
    let db = openSqlite(dir);
    let store = makeStore(db);
    const harness: StoreHarness<Store> = {
      get store() {
        return store;
      },
      reopen() {
        if (db.open) db.close();
        db = openSqlite(dir);
        store = makeStore(db);
        return Promise.resolve(store);
      },
      dispose() {
        if (db.open) db.close();
        fs.rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
    return Promise.resolve(harness);
  };
}
