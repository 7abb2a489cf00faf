import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMessageStore } from '../MessageStore.contract.ts';
import { openSqlite } from './SqliteDatabase.ts';
import { SqliteMessageStore } from './SqliteMessageStore.ts';

describeMessageStore('SQLite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-store-'));
  const db = openSqlite(dir);
  return {
    store: new SqliteMessageStore(db),
    async dispose() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
